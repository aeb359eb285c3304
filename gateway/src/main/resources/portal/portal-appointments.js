// Appointments area of the portal page: the patient's appointments, newest first (records-service's
// ListAppointments through /api/records/appointments). A telemedicine appointment is shown with the limitations of
// such a visit that the terms of use name, in the words the API sends with it, so that the page and the app say the
// same. Texts are written with textContent only.
'use strict';

(() => {
  const { call, messageFor, setStatus, handled, element, listOf } = window.portal;
  const $ = (id) => document.getElementById(id);

  const PAGE_SIZE = 20;
  // FHIR Appointment.status in words
  const STATUS = {
    proposed: 'Proposed', pending: 'Pending', booked: 'Booked', arrived: 'Arrived', fulfilled: 'Completed',
    cancelled: 'Cancelled', noshow: 'Missed', 'checked-in': 'Checked in', waitlist: 'On the waiting list',
  };

  let nextPageToken = '';

  const status = (text, isError) => setStatus($('appointments-status'), text, isError);

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

  async function load(more) {
    const list = $('appointment-list');
    const button = $('appointments-more');
    button.disabled = true;
    if (!more) {
      status('Loading your appointments\u2026');
    }
    try {
      const query = '?pageSize=' + PAGE_SIZE + (more ? '&pageToken=' + encodeURIComponent(nextPageToken) : '');
      const page = await call('/api/records/appointments' + query);
      if (!more) {
        list.replaceChildren();
      }
      listOf(page, 'appointments').forEach((appointment) => list.append(item(appointment)));
      nextPageToken = page.nextPageToken || '';
      $('appointments-empty').hidden = list.children.length > 0;
      button.hidden = !nextPageToken;
      status('');
    } catch (e) {
      if (!(await handled(e))) {
        status(messageFor(e, 'Your appointments could not be loaded. Please try again later.'), true);
      }
    }
    button.disabled = false;
  }

  function clear() {
    nextPageToken = '';
    $('appointment-list').replaceChildren();
    $('appointments-empty').hidden = true;
    $('appointments-more').hidden = true;
    status('');
  }

  window.portal.addArea({ show: () => load(false), clear });

  document.addEventListener('DOMContentLoaded', () => {
    $('appointments-more').addEventListener('click', () => load(true));
  });
})();
