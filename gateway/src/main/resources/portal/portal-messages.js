// Messages area of the portal page: the care team, composing, threads and replies (messaging-service/API.md).
// Subjects, bodies and names come from the EMR and are written with textContent only: a body "<script>" is text; its
// web addresses become links, those to other sites marked as such (portal.js textWithLinks).
'use strict';

(() => {
  const { call, messageFor, setStatus, handled, element, textWithLinks, listOf } = window.portal;
  const $ = (id) => document.getElementById(id);

  const MAX_ATTACHMENTS = 3;
  const MAX_ATTACHMENT_BYTES = 1024 * 1024;
  const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'text/plain'];
  const CATEGORIES = {
    'medical-question': 'Medical question',
    'prescription-renewal': 'Prescription renewal',
    appointment: 'Appointment',
    billing: 'Billing',
    other: 'Other',
  };

  let recipients = [];
  let practice = {};
  let openThreadId = null;

  const status = (text, isError) => setStatus($('messages-status'), text, isError);
  const nameOf = (who) => (who && (who.name || who.displayName || who.display)) || '';
  const referenceOf = (who) => (who && (who.reference || who.id)) || '';

  /** Date and time in the patient's own locale; the clinic's due dates are instants. */
  function when(value) {
    if (!value) {
      return '';
    }
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) {
      return String(value);
    }
    return value.includes('T')
      ? date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
      : date.toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
  }

  /** One of the area's panes (thread list, compose, result, thread), focused on its heading for screen readers. */
  function pane(id, focus) {
    for (const other of ['thread-list-area', 'compose-area', 'compose-result', 'thread-area']) {
      $(other).hidden = other !== id;
    }
    if (focus) {
      $(focus).focus();
    }
  }

  async function failed(error, fallback) {
    if (!(await handled(error))) {
      status(messageFor(error, fallback), true);
    }
  }

  // --- the thread list ---------------------------------------------------------------------------------------------

  async function showThreads(focus) {
    pane('thread-list-area', focus ? 'thread-list-heading' : null);
    openThreadId = null;
    let threads;
    try {
      threads = listOf(await call('/api/messages'), 'threads');
    } catch (e) {
      await failed(e, 'Your messages could not be loaded. Please try again later.');
      return;
    }
    const list = $('thread-list');
    list.replaceChildren();
    $('thread-list-empty').hidden = threads.length > 0;
    for (const thread of threads) {
      const item = element('li', thread.unread ? 'thread unread' : 'thread');
      const open = element('button', 'link-button thread-open');
      open.type = 'button';
      open.dataset.threadId = thread.id;
      if (thread.unread) {
        open.append(element('span', 'badge', 'Unread'), ' ');
      }
      open.append(element('span', 'thread-subject', thread.subject || '(no subject)'));
      open.addEventListener('click', () => showThread(thread.id));
      item.append(open);
      const details = [CATEGORIES[thread.category] || thread.category, nameOf(thread.assignedTo) && 'with '
        + nameOf(thread.assignedTo), thread.lastMessageAt && 'last message ' + when(thread.lastMessageAt),
      thread.dueBy && thread.status !== 'closed' && thread.status !== 'answered' && 'answer expected by '
        + when(thread.dueBy), thread.status === 'closed' && 'closed'].filter(Boolean);
      item.append(element('span', 'thread-details muted', details.join(' \u00b7 ')));
      list.append(item);
    }
  }

  // --- composing ---------------------------------------------------------------------------------------------------

  async function openCompose() {
    status('');
    $('compose').reset();
    setStatus($('compose-error'), '');
    pane('compose-area', 'compose-heading');
    const select = $('compose-recipient');
    select.replaceChildren(element('option', null, 'Loading your care team\u2026'));
    select.disabled = true;
    let answer;
    try {
      answer = await call('/api/messages/recipients');
    } catch (e) {
      select.replaceChildren();
      await failed(e, 'Your care team could not be loaded. Please try again later.');
      return;
    }
    recipients = listOf(answer, 'recipients');
    if (recipients.length === 0) {
      recipients = listOf(answer, 'providers');
    }
    practice = answer.practice || {};
    if (answer.emergencyNotice) {
      $('compose-emergency').textContent = answer.emergencyNotice;
    }
    select.replaceChildren();
    for (const recipient of recipients) {
      const option = element('option', null, nameOf(recipient) + (recipient.role ? ', ' + recipient.role : '')
        + (recipient.available === false ? ' (away)' : ''));
      option.value = referenceOf(recipient);
      select.append(option);
    }
    select.disabled = false;
    describeRecipient();
  }

  /** Whether the chosen provider is in, and who answers while they are away. */
  function describeRecipient() {
    const chosen = recipients.find((r) => referenceOf(r) === $('compose-recipient').value);
    let text = '';
    if (chosen && chosen.available === false) {
      const cover = nameOf(chosen.coveredBy) || (typeof chosen.coveredBy === 'string' ? chosen.coveredBy : '');
      text = nameOf(chosen) + ' is away. ' + (cover ? cover + ' covers and will answer.'
        : 'The practice team will answer.');
    } else if (chosen) {
      text = nameOf(chosen) + ' is available.';
    }
    $('compose-recipient-note').textContent = text;
  }

  function readAttachment(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve({
        contentType: file.type,
        title: file.name,
        data: String(reader.result).slice(String(reader.result).indexOf(',') + 1),
      });
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  /** The limits of API.md, checked before anything is sent; an empty string when all is well. */
  function attachmentProblem(files) {
    if (files.length > MAX_ATTACHMENTS) {
      return 'Please attach at most ' + MAX_ATTACHMENTS + ' files.';
    }
    for (const file of files) {
      if (!ATTACHMENT_TYPES.includes(file.type)) {
        return file.name + ' is not a PDF, JPEG, PNG or plain-text file.';
      }
      if (file.size > MAX_ATTACHMENT_BYTES) {
        return file.name + ' is larger than 1 MB.';
      }
    }
    return '';
  }

  /** The first field problem of a 400 validation problem, else its detail. */
  function problemText(error, fallback) {
    const errors = error.problem && error.problem.errors;
    if (error.status === 400 && Array.isArray(errors) && errors.length > 0 && errors[0].message) {
      return errors.map((e) => e.message).join(' ');
    }
    if (error.status === 400 || error.status === 404 || error.status === 413) {
      return error.problem.detail || fallback;
    }
    return messageFor(error, fallback);
  }

  async function send(event) {
    event.preventDefault();
    const form = $('compose');
    // the browser names the first missing field, the confirmation included
    if (!form.reportValidity()) {
      return;
    }
    const files = Array.from($('compose-attachments').files || []);
    const tooMuch = attachmentProblem(files);
    if (tooMuch) {
      setStatus($('compose-error'), tooMuch, true);
      $('compose-attachments').focus();
      return;
    }
    setStatus($('compose-error'), '');
    $('compose-send').disabled = true;
    const chosen = recipients.find((r) => referenceOf(r) === $('compose-recipient').value);
    let answer;
    try {
      const message = {
        recipient: $('compose-recipient').value,
        category: $('compose-category').value,
        subject: $('compose-subject').value,
        body: $('compose-body').value,
        concernsOnlyMe: $('compose-only-me').checked,
      };
      if (files.length > 0) {
        message.attachments = await Promise.all(files.map(readAttachment));
      }
      answer = await call('/api/messages', { method: 'POST', json: message });
    } catch (e) {
      $('compose-send').disabled = false;
      if (!(await handled(e))) {
        setStatus($('compose-error'), problemText(e, 'Your message could not be sent. Please try again.'), true);
      }
      return;
    }
    $('compose-send').disabled = false;
    form.reset();
    showSent(answer, chosen);
  }

  /** Who has the message, when to expect the answer, and the 9-1-1 warning when the body sounded urgent. */
  function showSent(answer, chosen) {
    const warning = $('compose-warning');
    warning.textContent = answer.emergencyWarning || '';
    warning.hidden = !answer.emergencyWarning;
    const holder = nameOf(answer.assignedTo) || 'Your care team';
    $('compose-result-who').textContent = answer.routedToCovering
      ? holder + ' has your message, covering while ' + (nameOf(chosen) || 'your provider') + ' is away.'
      : holder + ' has your message.';
    const phone = practice.phone ? ' at ' + practice.phone : '';
    $('compose-result-due').textContent = answer.dueBy
      ? 'You can expect an answer by ' + when(answer.dueBy) + '. If you have none by then, please call the office'
        + phone + '.'
      : '';
    const filed = $('compose-result-filed');
    filed.textContent = answer.filed === false
      ? 'It is kept safe and will be added to your medical record as soon as the record system is reachable.' : '';
    filed.hidden = answer.filed !== false;
    $('compose-result-notice').textContent = answer.emergencyNotice || $('compose-emergency').textContent;
    pane('compose-result', answer.emergencyWarning ? 'compose-warning' : 'compose-result');
  }

  // --- one thread ----------------------------------------------------------------------------------------------------

  function renderMessage(threadId, message) {
    const item = element('li', message.from === 'patient' ? 'message from-patient' : 'message from-care-team');
    const sender = message.from === 'patient' ? 'You' : (message.senderName || 'Your care team');
    item.append(element('p', 'message-meta', sender + (message.sentAt ? ', ' + when(message.sentAt) : '')
      + (message.filed === false ? ' (waiting to be filed in your record)' : '')));
    if (message.subject) {
      item.append(element('p', 'message-subject', message.subject));
    }
    item.append(textWithLinks('p', 'message-body', message.body || ''));
    const attachments = message.attachments || [];
    if (attachments.length > 0) {
      const list = element('ul', 'attachments');
      for (const attachment of attachments) {
        const link = element('a', null, (attachment.title || 'Attachment') + ' (' + attachment.contentType + ')');
        link.href = '/api/messages/' + encodeURIComponent(threadId) + '/attachments/'
          + encodeURIComponent(attachment.id);
        link.setAttribute('download', '');
        const entry = element('li');
        entry.append(link);
        list.append(entry);
      }
      item.append(list);
    }
    return item;
  }

  async function showThread(threadId, focusOn) {
    status('');
    let thread;
    try {
      thread = await call('/api/messages/' + encodeURIComponent(threadId));
    } catch (e) {
      await failed(e, e.status === 404 ? 'This conversation was not found.'
        : 'This conversation could not be loaded. Please try again later.');
      return;
    }
    openThreadId = threadId;
    const messages = thread.messages || [];
    $('thread-subject').textContent = thread.subject || (messages[0] && messages[0].subject) || '(no subject)';
    $('thread-meta').textContent = [CATEGORIES[thread.category] || thread.category,
      nameOf(thread.assignedTo) && 'with ' + nameOf(thread.assignedTo), thread.status].filter(Boolean)
      .join(' \u00b7 ');
    $('thread-messages').replaceChildren(...messages.map((m) => renderMessage(threadId, m)));
    $('reply').reset();
    $('reply').hidden = thread.status === 'closed';
    setStatus($('reply-status'), '');
    setStatus($('reply-warning'), '', true);
    pane('thread-area', focusOn || 'thread-subject');
  }

  async function reply(event) {
    event.preventDefault();
    if (!$('reply').reportValidity() || !openThreadId) {
      return;
    }
    $('reply-send').disabled = true;
    const threadId = openThreadId;
    let answer;
    try {
      answer = await call('/api/messages/' + encodeURIComponent(threadId) + '/replies', {
        method: 'POST',
        json: { body: $('reply-body').value, concernsOnlyMe: $('reply-only-me').checked },
      });
    } catch (e) {
      $('reply-send').disabled = false;
      if (!(await handled(e))) {
        setStatus($('reply-status'), problemText(e, 'Your reply could not be sent. Please try again.'), true);
      }
      return;
    }
    $('reply-send').disabled = false;
    await showThread(threadId, answer.emergencyWarning ? 'reply-warning' : 'reply-status');
    setStatus($('reply-warning'), answer.emergencyWarning || '', true);
    setStatus($('reply-status'), 'Your reply was sent.' + (answer.dueBy ? ' You can expect an answer by '
      + when(answer.dueBy) + '.' : ''), false);
    $(answer.emergencyWarning ? 'reply-warning' : 'reply-status').focus();
  }

  async function markUnread() {
    if (!openThreadId) {
      return;
    }
    try {
      await call('/api/messages/' + encodeURIComponent(openThreadId) + '/read', { method: 'PUT', json: { read: false } });
    } catch (e) {
      await failed(e, 'The conversation could not be marked as unread. Please try again.');
      return;
    }
    await showThreads(true);
    status('The conversation is marked as unread.');
  }

  function clear() {
    recipients = [];
    practice = {};
    openThreadId = null;
    $('thread-list').replaceChildren();
    $('thread-messages').replaceChildren();
    $('thread-subject').textContent = '';
    $('compose').reset();
    $('reply').reset();
    $('compose-result-who').textContent = '';
    status('');
    pane('thread-list-area');
  }

  window.portal.addArea({ show: () => showThreads(false), clear });

  document.addEventListener('DOMContentLoaded', () => {
    for (const id of ['reply-status', 'reply-warning', 'compose-warning']) {
      $(id).tabIndex = -1;
    }
    $('compose-open').addEventListener('click', openCompose);
    $('compose-cancel').addEventListener('click', () => showThreads(true));
    $('compose-recipient').addEventListener('change', describeRecipient);
    $('compose').addEventListener('submit', send);
    $('compose-result-close').addEventListener('click', () => showThreads(true));
    $('thread-back').addEventListener('click', () => showThreads(true));
    $('thread-unread').addEventListener('click', markUnread);
    $('reply').addEventListener('submit', reply);
  });
})();
