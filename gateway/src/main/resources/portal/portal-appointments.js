// Appointments area of the portal page: the patient's appointments, newest first (records-service's
// ListAppointments through /api/records/appointments). A telemedicine appointment is shown with the limitations of
// such a visit that the terms of use name, in the words the API sends with it, so that the page and the app say the
// same. Texts are written with textContent only.
'use strict';

(() => {
  const { element, pagedArea } = window.portal;

  // FHIR Appointment.status in words
  const STATUS = {
    proposed: 'Proposed', pending: 'Pending', booked: 'Booked', arrived: 'Arrived', fulfilled: 'Completed',
    cancelled: 'Cancelled', noshow: 'Missed', 'checked-in': 'Checked in', waitlist: 'On the waiting list',
  };

  function when(appointment) {
    const start = appointment.start ? new Date(appointment.start) : null;
    if (!start || Number.isNaN(start.getTime())) {
      return appointment.start || 'Time to be arranged';
    }
    return start.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' });
  }

  function item(appointment) {
    const entry = element('li', 'appointment');
    entry.dataset.appointmentId = appointment.id;
    entry.append(element('p', 'appointment-when', when(appointment)));
    const what = element('p', 'appointment-what');
    if (appointment.telemedicine) {
      what.append(element('span', 'badge', 'Telemedicine'), ' ');
    }
    what.append([appointment.description, appointment.serviceType].filter(Boolean).join(' \u00b7 ') || 'Appointment');
    entry.append(what);
    const details = [STATUS[appointment.status] || appointment.status, (appointment.participants || []).join(', ')];
    entry.append(element('p', 'muted', details.filter(Boolean).join(' \u00b7 ')));
    if (appointment.telemedicine) {
      const notice = element('p', 'telemedicine-notice', appointment.telemedicineNotice);
      notice.setAttribute('role', 'note');
      notice.setAttribute('aria-label', 'Limitations of a telemedicine visit');
      entry.append(notice);
    }
    return entry;
  }

  window.portal.addArea(pagedArea({
    path: '/api/records/appointments',
    field: 'appointments',
    noun: 'appointments',
    pageSize: 20,
    listId: 'appointment-list',
    emptyId: 'appointments-empty',
    moreId: 'appointments-more',
    statusId: 'appointments-status',
    render: item,
  }));
})();
