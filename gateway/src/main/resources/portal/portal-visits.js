// Past visits area of the portal page: the patient's encounters, newest first (records-service's ListVisits through
// /api/records/visits). Texts are written with textContent only.
'use strict';

(() => {
  const { dateOf, element, pagedArea } = window.portal;

  // records.proto's visit classes in the patient's words
  const CLASSES = {
    ambulatory: 'Office visit', emergency: 'Emergency visit', inpatient: 'Hospital stay', observation: 'Observation',
    'short stay': 'Short stay', virtual: 'Telemedicine visit', 'home health': 'Home visit',
  };

  function visitItem(visit) {
    const item = element('li', 'visit');
    item.dataset.visitId = visit.id;
    const start = dateOf(visit.start);
    const end = dateOf(visit.end);
    item.append(element('p', 'visit-when', start && end && end !== start ? start + ' \u2013 ' + end
      : start || 'Date not recorded'));
    item.append(element('p', null, [CLASSES[visit.visitClass] || visit.visitClass, visit.type]
      .filter(Boolean).join(' \u00b7 ') || 'Visit'));
    const details = [visit.reason && 'Reason: ' + visit.reason, (visit.providers || []).join(', '), visit.location]
      .filter(Boolean);
    if (details.length > 0) {
      item.append(element('p', 'muted', details.join(' \u00b7 ')));
    }
    return item;
  }

  window.portal.addArea(pagedArea({
    path: '/api/records/visits',
    field: 'visits',
    noun: 'visits',
    pageSize: 10,
    listId: 'visit-list',
    emptyId: 'visits-empty',
    moreId: 'visits-more',
    statusId: 'visits-status',
    render: visitItem,
  }));
})();
