// Questionnaires area of the portal page: surveys and education lessons the care team assigned, and the patient's
// "send me surveys" preference (messaging-service/API.md). Texts are written with textContent only.
'use strict';

(() => {
  const { call, messageFor, setStatus, handled, dateOf, element, textWithLinks, listOf } = window.portal;
  const $ = (id) => document.getElementById(id);

  const STATUS = { assigned: 'To do', completed: 'Done', declined: 'Declined' };
  let open = null;

  const status = (text, isError) => setStatus($('questionnaires-status'), text, isError);

  async function failed(error, fallback) {
    if (!(await handled(error))) {
      status(error.status === 400 || error.status === 404 || error.status === 409
        ? (error.problem.detail || fallback) : messageFor(error, fallback), true);
    }
  }

  function pane(id, focus) {
    $('assignment-list-area').hidden = id !== 'assignment-list-area';
    $('assignment-area').hidden = id !== 'assignment-area';
    if (focus) {
      $(focus).focus();
    }
  }

  // --- the preference ------------------------------------------------------------------------------------------------

  async function loadPreference() {
    const toggle = $('pref-surveys');
    toggle.disabled = true;
    try {
      const preferences = await call('/api/questionnaires/preferences');
      toggle.checked = preferences.surveys !== false;
      toggle.disabled = false;
    } catch (e) {
      await failed(e, 'Your survey preference could not be loaded. Please try again later.');
    }
  }

  async function changePreference() {
    const toggle = $('pref-surveys');
    const wanted = toggle.checked;
    toggle.disabled = true;
    try {
      const saved = await call('/api/questionnaires/preferences', { method: 'PUT', json: { surveys: wanted } });
      toggle.checked = saved && typeof saved.surveys === 'boolean' ? saved.surveys : wanted;
      status(toggle.checked ? 'Your care team may send you surveys.' : 'You will not be sent surveys.');
    } catch (e) {
      toggle.checked = !wanted;
      await failed(e, 'Your survey preference could not be saved. Please try again.');
    }
    toggle.disabled = false;
    toggle.focus();
  }

  // --- the assignments -----------------------------------------------------------------------------------------------

  async function showAssignments(focus) {
    pane('assignment-list-area', focus ? 'assignment-list-heading' : null);
    open = null;
    let assignments;
    try {
      assignments = listOf(await call('/api/questionnaires'), 'assignments');
    } catch (e) {
      await failed(e, 'Your questionnaires could not be loaded. Please try again later.');
      return;
    }
    const list = $('assignment-list');
    list.replaceChildren();
    $('assignment-list-empty').hidden = assignments.length > 0;
    for (const assignment of assignments) {
      const item = element('li', 'assignment');
      item.append(element('span', 'assignment-title', assignment.title || 'Untitled'), ' ');
      item.append(element('span', 'muted', [assignment.kind === 'lesson' ? 'Lesson' : 'Survey',
        STATUS[assignment.status] || assignment.status,
        assignment.assignedAt && 'assigned ' + dateOf(assignment.assignedAt)].filter(Boolean).join(' \u00b7 ')));
      if (assignment.status === 'assigned') {
        const start = element('button', 'button secondary small',
          assignment.kind === 'lesson' ? 'Read the lesson' : 'Answer the survey');
        start.type = 'button';
        start.dataset.assignmentId = assignment.id;
        start.addEventListener('click', () => openAssignment(assignment));
        item.append(' ', start);
      }
      list.append(item);
    }
  }

  /** One form field per item: display text, free text, yes/no, a number, or one of the options. */
  function field(item, index) {
    const id = 'answer-' + index;
    const wrapper = element('div', 'question');
    wrapper.dataset.linkId = item.linkId;
    wrapper.dataset.type = item.type;
    if (item.type === 'display') {
      wrapper.append(textWithLinks('p', 'lesson-text', item.text));
      return wrapper;
    }
    if (item.type === 'choice' || item.type === 'boolean') {
      const group = element('fieldset');
      group.append(element('legend', null, item.text + (item.required ? ' (required)' : '')));
      const options = item.type === 'boolean' ? [['true', 'Yes'], ['false', 'No']]
        : (item.options || []).map((option) => [option, option]);
      options.forEach(([value, label], n) => {
        const radio = element('input');
        radio.type = 'radio';
        radio.name = id;
        radio.id = id + '-' + n;
        radio.value = value;
        radio.required = Boolean(item.required);
        const text = element('label', null, label);
        text.htmlFor = radio.id;
        const row = element('div', 'option');
        row.append(radio, ' ', text);
        group.append(row);
      });
      wrapper.append(group);
      return wrapper;
    }
    const label = element('label', null, item.text + (item.required ? ' (required)' : ''));
    label.htmlFor = id;
    const input = element(item.type === 'text' ? 'textarea' : 'input');
    input.id = id;
    input.name = id;
    if (item.type === 'integer') {
      input.type = 'number';
      input.step = '1';
    } else if (item.type !== 'text') {
      input.type = 'text';
    }
    input.required = Boolean(item.required);
    wrapper.append(label, input);
    return wrapper;
  }

  async function openAssignment(assignment) {
    status('');
    let form;
    try {
      form = await call('/api/questionnaires/' + encodeURIComponent(assignment.id));
    } catch (e) {
      await failed(e, 'This questionnaire could not be loaded. Please try again later.');
      return;
    }
    open = { id: assignment.id, kind: form.kind || assignment.kind };
    $('assignment-title').textContent = form.title || assignment.title || '';
    $('assignment-description').textContent = form.description || '';
    $('assignment-items').replaceChildren(...(form.items || []).map(field));
    $('assignment-submit').textContent = open.kind === 'lesson' ? 'I have read this lesson' : 'Send my answers';
    setStatus($('assignment-error'), '');
    pane('assignment-area', 'assignment-title');
  }

  function answers() {
    const given = [];
    for (const question of $('assignment-items').querySelectorAll('.question')) {
      if (question.dataset.type === 'display') {
        continue;
      }
      const checked = question.querySelector('input[type=radio]:checked');
      const input = question.querySelector('input:not([type=radio]), textarea');
      const value = checked ? checked.value : (input ? input.value.trim() : '');
      if (value !== '') {
        given.push({ linkId: question.dataset.linkId, value });
      }
    }
    return given;
  }

  async function submit(event) {
    event.preventDefault();
    if (!open || !$('assignment-form').reportValidity()) {
      return;
    }
    const done = open;
    $('assignment-submit').disabled = true;
    try {
      if (done.kind === 'lesson') {
        await call('/api/questionnaires/' + encodeURIComponent(done.id) + '/done', { method: 'POST', json: {} });
      } else {
        await call('/api/questionnaires/' + encodeURIComponent(done.id) + '/response', {
          method: 'POST',
          json: { answers: answers() },
        });
      }
    } catch (e) {
      $('assignment-submit').disabled = false;
      if (!(await handled(e))) {
        setStatus($('assignment-error'), e.status === 400 || e.status === 409
          ? (e.problem.detail || 'Please check your answers.')
          : messageFor(e, 'This could not be saved. Please try again.'), true);
      }
      return;
    }
    $('assignment-submit').disabled = false;
    await showAssignments(true);
    status(done.kind === 'lesson' ? 'The lesson is marked as done. Thank you.'
      : 'Your answers were sent and added to your record. Thank you.');
  }

  function clear() {
    open = null;
    $('assignment-list').replaceChildren();
    $('assignment-items').replaceChildren();
    $('pref-surveys').checked = false;
    status('');
    pane('assignment-list-area');
  }

  window.portal.addArea({
    show: () => Promise.all([loadPreference(), showAssignments(false)]),
    clear,
  });

  document.addEventListener('DOMContentLoaded', () => {
    $('pref-surveys').addEventListener('change', changePreference);
    $('assignment-form').addEventListener('submit', submit);
    $('assignment-cancel').addEventListener('click', () => showAssignments(true));
  });
})();
