// Patient portal page. Talks only to the gateway (same origin, session cookie); keeps nothing in browser storage.
// All data is written with textContent, never as HTML.
'use strict';

(() => {
  const UNAVAILABLE = 'This part of the portal is temporarily unavailable. Please try again later.';
  const SESSION_ENDED = 'You are not signed in, or your session has ended. Please sign in.';

  // The CSRF token of this browser session (header name and value), held in memory only.
  let csrf = null;

  const $ = (id) => document.getElementById(id);

  /** The other scripts' parts of the signed-in page (messages, questionnaires, billing): each {show(), clear()}. */
  const areas = [];

  class HttpError extends Error {
    constructor(status, problem) {
      super('HTTP ' + status);
      this.status = status;
      this.problem = problem || {};
    }
  }

  /** JSON from the gateway; state-changing requests carry the CSRF header. Status 0 means the network failed. */
  async function call(url, options = {}) {
    const method = options.method || 'GET';
    const headers = { Accept: 'application/json' };
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    if (method !== 'GET' && csrf) {
      headers[csrf.headerName] = csrf.token;
    }
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.json !== undefined ? JSON.stringify(options.json) : undefined,
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'manual',
      });
    } catch (e) {
      throw new HttpError(0);
    }
    if (response.type === 'opaqueredirect') {
      return {};
    }
    if (!response.ok) {
      let problem = {};
      try {
        problem = (response.headers.get('Content-Type') || '').includes('json') ? await response.json() : {};
      } catch (e) {
        problem = {};
      }
      throw new HttpError(response.status, problem);
    }
    const type = response.headers.get('Content-Type') || '';
    return type.includes('json') ? response.json() : {};
  }

  function messageFor(error, fallback) {
    if (error.status === 401) {
      return SESSION_ENDED;
    }
    if (error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504) {
      return UNAVAILABLE;
    }
    return fallback;
  }

  function setStatus(element, text, isError) {
    element.textContent = text || '';
    element.classList.toggle('error', Boolean(isError));
    element.hidden = !text;
  }

  const pageStatus = (text, isError) => setStatus($('status'), text, isError);

  /** Shows one of the main views (signed-out, terms-required, summary with the other areas) or none. */
  function view(id) {
    for (const section of ['signed-out', 'terms-required', 'summary']) {
      $(section).hidden = section !== id;
    }
    for (const section of ['areas', 'results', 'appointments', 'visits', 'documents', 'messages', 'questionnaires',
      'billing']) {
      $(section).hidden = id !== 'summary';
    }
  }

  function clearHealthData() {
    for (const id of ['list-allergies', 'list-problems', 'list-medications', 'list-immunizations', 'list-vital-signs']) {
      $(id).replaceChildren();
    }
    $('summary-patient').textContent = '';
    $('summary-lists').hidden = true;
    $('signed-in-as').textContent = '';
    areas.forEach((area) => area.clear());
  }

  function showSignedOut(message, isError) {
    clearHealthData();
    $('account').hidden = true;
    view('signed-out');
    pageStatus(message, isError);
  }

  // --- sign-in state ---------------------------------------------------------------------------------------------

  async function start() {
    let session;
    try {
      session = await call('/auth/session');
    } catch (e) {
      showSignedOut(messageFor(e, UNAVAILABLE), true);
      return;
    }
    csrf = session.csrf && session.csrf.headerName ? session.csrf : null;
    if (!session.authenticated) {
      showSignedOut('');
      return;
    }
    await showSignedIn(session);
  }

  async function showSignedIn(session) {
    pageStatus('');
    $('account').hidden = false;
    $('signed-in-as').textContent = session.name ? 'Signed in as ' + session.name : 'Signed in';
    let me;
    try {
      me = await call('/api/me');
    } catch (e) {
      if (e.status === 401) {
        showSignedOut(SESSION_ENDED);
        return;
      }
      view(null);
      pageStatus(messageFor(e, 'Your account could not be loaded. Please try again later.'), true);
      return;
    }
    $('signed-in-as').textContent = 'Signed in as ' + (me.username || session.name || '');
    showPasswordWarning(me);
    if (me.terms && me.terms.acceptanceRequired) {
      await showTermsRequired(me.terms.currentVersion);
      return;
    }
    await showSummary();
  }

  // identity-service warns from 14 days before the 180-day expiry; after it Keycloak asks at the next sign-in
  function showPasswordWarning(me) {
    let text = '';
    if (me.passwordChangeDueSoon) {
      const days = me.passwordDaysLeft;
      text = days > 0
        ? 'Your password expires in ' + days + (days === 1 ? ' day' : ' days') + '. Please change it now.'
        : 'Your password has expired or expires today. Please change it now.';
    }
    const warning = $('password-warning');
    warning.textContent = text;
    warning.hidden = !text;
  }

  // --- terms of use ----------------------------------------------------------------------------------------------

  let versionToAccept = null;

  async function showTermsRequired(currentVersion) {
    view('terms-required');
    versionToAccept = currentVersion || null;
    $('terms-required-version').textContent = currentVersion || '';
    $('terms-required-text').textContent = 'Loading the terms of use\u2026';
    $('accept-terms').disabled = true;
    try {
      const terms = await call('/api/terms/current');
      // what the patient reads is what they accept
      versionToAccept = terms.version;
      $('terms-required-version').textContent = terms.version;
      $('terms-required-text').textContent = terms.text;
      $('accept-terms').disabled = false;
    } catch (e) {
      $('terms-required-text').textContent = messageFor(e, 'The terms of use could not be loaded. Please try again later.');
    }
  }

  async function acceptTerms() {
    if (!versionToAccept) {
      return;
    }
    $('accept-terms').disabled = true;
    try {
      await call('/api/me/terms-acceptance', { method: 'POST', json: { version: versionToAccept } });
    } catch (e) {
      $('accept-terms').disabled = false;
      if (e.status === 401) {
        showSignedOut(SESSION_ENDED);
        return;
      }
      pageStatus(messageFor(e, 'Your acceptance could not be saved. Please reload the page and try again.'), true);
      return;
    }
    pageStatus('');
    await start();
  }

  async function openTerms(event) {
    if (event) {
      event.preventDefault();
    }
    const section = $('terms');
    section.hidden = false;
    $('terms-version').textContent = '';
    $('terms-text').textContent = 'Loading the terms of use\u2026';
    try {
      const terms = await call('/api/terms/current');
      $('terms-version').textContent = 'Version ' + terms.version;
      $('terms-text').textContent = terms.text;
    } catch (e) {
      $('terms-text').textContent = messageFor(e, 'The terms of use could not be loaded. Please try again later.');
    }
    section.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  // --- health summary --------------------------------------------------------------------------------------------

  const joined = (parts, separator) => parts.filter((part) => part !== undefined && part !== null && part !== '')
    .join(separator);

  const coded = (item, field) => item[field] || (item.code && item.code.display) || 'Unnamed';

  /** "2024-03-01T10:00:00Z" as a local date; plain dates stay as they are (no time-zone shift). */
  function dateOf(value) {
    if (!value || !value.includes('T')) {
      return value || '';
    }
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value
      : date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  }

  function fill(listId, items, describe) {
    const list = $(listId);
    list.replaceChildren();
    if (!items || items.length === 0) {
      const none = document.createElement('li');
      none.className = 'muted';
      none.textContent = 'None recorded';
      list.append(none);
      return;
    }
    for (const item of items) {
      const [name, detail] = describe(item);
      const entry = document.createElement('li');
      const label = document.createElement('span');
      label.className = 'item-name';
      label.textContent = name;
      entry.append(label);
      if (detail) {
        const more = document.createElement('span');
        more.className = 'item-detail';
        more.textContent = ' \u2014 ' + detail;
        entry.append(more);
      }
      list.append(entry);
    }
  }

  function vitalValue(vital) {
    if (vital.valueText) {
      return vital.valueText;
    }
    if (vital.numericValue !== undefined && vital.numericValue !== null) {
      return joined([String(vital.numericValue), vital.unit], ' ');
    }
    return '';
  }

  function render(summary) {
    const patient = summary.patient || {};
    const name = joined([patient.givenName, patient.familyName], ' ');
    $('summary-patient').textContent = name ? joined(['For ' + name, patient.birthDate && 'born ' + patient.birthDate], ', ') : '';
    fill('list-allergies', summary.allergies, (a) => [coded(a, 'substance'), joined([
      a.criticality && a.criticality + ' criticality', (a.reactions || []).join(', '), a.clinicalStatus], '; ')]);
    fill('list-problems', summary.problems, (p) => [coded(p, 'name'), joined([
      p.clinicalStatus, p.onsetDate && 'since ' + dateOf(p.onsetDate)], '; ')]);
    fill('list-medications', summary.medications, (m) => [coded(m, 'name'), joined([
      m.dosageInstruction, m.status], '; ')]);
    fill('list-immunizations', summary.immunizations, (i) => [coded(i, 'vaccine'), joined([
      dateOf(i.occurrenceDate), i.status && i.status !== 'completed' ? i.status : ''], '; ')]);
    fill('list-vital-signs', summary.vitalSigns, (v) => [coded(v, 'name'), joined([
      vitalValue(v), v.effectiveAt && 'on ' + dateOf(v.effectiveAt)], ', ')]);
    $('summary-lists').hidden = false;
  }

  /**
   * What every area does with a refusal it cannot help: a session that ended signs out, the terms ask for the
   * acceptance. True when handled.
   */
  async function handled(error) {
    if (error.status === 401) {
      showSignedOut(SESSION_ENDED);
      return true;
    }
    if (error.status === 403 && String(error.problem.type || '').endsWith('/terms-acceptance-required')) {
      await showTermsRequired(error.problem.currentVersion);
      return true;
    }
    return false;
  }

  async function showSummary() {
    view('summary');
    areas.forEach((area) => area.show());
    const status = $('summary-status');
    setStatus(status, 'Loading your health summary\u2026', false);
    try {
      render(await call('/api/records/summary'));
      setStatus(status, '');
    } catch (e) {
      if (e.status === 401) {
        showSignedOut(SESSION_ENDED);
        return;
      }
      // the gateway's word on the terms counts even where /api/me saw no acceptance missing (e.g. an acceptance the
      // sign-in service did not take yet)
      if (e.status === 403 && String(e.problem.type || '').endsWith('/terms-acceptance-required')) {
        await showTermsRequired(e.problem.currentVersion);
        return;
      }
      const fallback = e.status === 403 || e.status === 404
        ? 'No health record is linked to this account.'
        : 'Your health summary could not be loaded. Please try again later.';
      setStatus(status, messageFor(e, fallback), true);
    }
  }

  // --- sign-out --------------------------------------------------------------------------------------------------

  async function signOut() {
    const button = $('sign-out');
    button.disabled = true;
    let result;
    try {
      result = await call('/logout', { method: 'POST' });
    } catch (e) {
      button.disabled = false;
      if (e.status === 403 || e.status === 401) {
        // the session already ended (its CSRF token with it): show what is true now
        await start();
        return;
      }
      pageStatus(messageFor(e, 'Signing out did not work. Please try again.'), true);
      return;
    }
    button.disabled = false;
    csrf = null;
    showSignedOut('You have signed out.');
    // The gateway session is gone; Keycloak's own session ends at its end-session address, which sends the browser
    // back here.
    const next = result && typeof result.next === 'string' ? new URL(result.next, window.location.href) : null;
    const home = new URL('/', window.location.href);
    if (next && (next.protocol === 'https:' || next.protocol === 'http:') && next.href !== home.href) {
      window.location.assign(next.href);
    }
  }

  /** A new element with a class and its text (textContent: whatever the text holds, it is never markup). */
  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  // web addresses in a text of the care team (a message, a lesson): http and https only, up to white space; closing
  // punctuation belongs to the sentence
  const WEB_ADDRESS = /\bhttps?:\/\/[^\s<>"]+/gi;
  const CLOSING_PUNCTUATION = /[.,;:!?'")\]]+$/;
  const OTHER_SITES = 'Links to other sites are provided as a convenience only. Those sites are not part of this '
    + 'portal, and we are not responsible for their content.';

  function linkTo(url, text) {
    const link = element('a', null, text);
    link.href = url.href;
    if (url.origin === window.location.origin) {
      return link;
    }
    // another site: said in words, a new tab, and no referrer, so that it learns nothing of the portal page
    link.className = 'other-site';
    link.target = '_blank';
    link.rel = 'noopener noreferrer external';
    link.append(element('span', 'other-site-marker', ' (another site, opens in a new tab)'));
    return link;
  }

  /**
   * The text in an element, its web addresses as links (every piece still textContent). When one leads to another
   * site, the terms' disclaimer follows the text, and both come in one wrapper.
   */
  function textWithLinks(tag, className, text) {
    const node = element(tag, className);
    const value = text || '';
    let done = 0;
    let otherSite = false;
    for (const match of value.matchAll(WEB_ADDRESS)) {
      const address = match[0].replace(CLOSING_PUNCTUATION, '');
      let url;
      try {
        url = new URL(address);
      } catch (e) {
        continue;
      }
      node.append(value.slice(done, match.index), linkTo(url, address));
      otherSite = otherSite || url.origin !== window.location.origin;
      done = match.index + address.length;
    }
    node.append(value.slice(done));
    if (!otherSite) {
      return node;
    }
    const wrapper = element('div', 'with-links');
    wrapper.append(node, element('p', 'other-sites-note', OTHER_SITES));
    return wrapper;
  }

  /** A list answer: a bare array, or the array under {@code field}. */
  const listOf = (answer, field) => (Array.isArray(answer) ? answer : (answer && answer[field]) || []);

  /**
   * An area listing what one of the paged records APIs returns, newest first, a page at a time: its "more" button
   * asks for the next page. {@code render} makes one list item; {@code noun} names the items in the status texts.
   */
  function pagedArea({ path, field, noun, pageSize, listId, emptyId, moreId, statusId, render }) {
    let nextPageToken = '';
    const status = (text, isError) => setStatus($(statusId), text, isError);

    async function load(more) {
      const list = $(listId);
      const button = $(moreId);
      button.disabled = true;
      if (!more) {
        status('Loading your ' + noun + '\u2026');
      }
      try {
        const query = '?pageSize=' + pageSize + (more ? '&pageToken=' + encodeURIComponent(nextPageToken) : '');
        const page = await call(path + query);
        if (!more) {
          list.replaceChildren();
        }
        listOf(page, field).forEach((item) => list.append(render(item)));
        nextPageToken = page.nextPageToken || '';
        $(emptyId).hidden = list.children.length > 0;
        button.hidden = !nextPageToken;
        status('');
      } catch (e) {
        if (!(await handled(e))) {
          status(messageFor(e, 'Your ' + noun + ' could not be loaded. Please try again later.'), true);
        }
      }
      button.disabled = false;
    }

    document.addEventListener('DOMContentLoaded', () => $(moreId).addEventListener('click', () => load(true)));
    return {
      show: () => load(false),
      clear: () => {
        nextPageToken = '';
        $(listId).replaceChildren();
        $(emptyId).hidden = true;
        $(moreId).hidden = true;
        status('');
      },
    };
  }

  // for the area scripts loaded after this one (portal-messages.js, portal-questionnaires.js, portal-billing.js,
  // portal-results.js, portal-appointments.js, portal-visits.js, portal-documents.js)
  window.portal = Object.freeze({
    call,
    messageFor,
    setStatus,
    handled,
    dateOf,
    element,
    textWithLinks,
    listOf,
    pagedArea,
    addArea: (area) => areas.push(area),
  });

  document.addEventListener('DOMContentLoaded', () => {
    $('sign-out').addEventListener('click', signOut);
    $('accept-terms').addEventListener('click', acceptTerms);
    $('terms-link').addEventListener('click', openTerms);
    if (window.location.hash === '#terms') {
      openTerms();
    }
    start();
  });
})();
