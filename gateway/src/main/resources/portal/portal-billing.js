// Billing Summary area of the portal page: the patient's accounts with balance and aging, statements with their
// PDFs, and paperless billing (billing-service/API.md). Texts are written with textContent only.
'use strict';

(() => {
  const { call, messageFor, setStatus, handled, dateOf, element, listOf } = window.portal;
  const $ = (id) => document.getElementById(id);

  const AGING = [['current', 'Current'], ['days31To60', '31\u201360 days'], ['days61To90', '61\u201390 days'],
    ['over90', 'Over 90 days']];
  const DELIVERY = { PAPERLESS: 'Paperless', MAIL: 'Mailed' };

  let paperless = null;

  const status = (text, isError) => setStatus($('billing-status'), text, isError);

  async function failed(error, fallback) {
    if (!(await handled(error))) {
      status(error.status === 400 || error.status === 404 || error.status === 409
        ? (error.problem.detail || fallback) : messageFor(error, fallback), true);
    }
  }

  /** Money as the service sends it: the exact decimal string (formatted as a string, never through a float). */
  function money(value) {
    if (!value || value.amount === undefined) {
      return '';
    }
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: value.currency })
        .format(value.amount);
    } catch (e) {
      return value.amount + ' ' + value.currency;
    }
  }

  function pane(id, focus) {
    $('billing-summary-area').hidden = id !== 'billing-summary-area';
    $('billing-account-area').hidden = id !== 'billing-account-area';
    if (focus) {
      $(focus).focus();
    }
  }

  // --- accounts and statements ---------------------------------------------------------------------------------------

  function agingOf(account) {
    const aging = element('dl', 'aging');
    for (const [field, label] of AGING) {
      aging.append(element('dt', null, label), element('dd', null, money((account.aging || {})[field])));
    }
    return aging;
  }

  function accountItem(account) {
    const item = element('li', 'billing-account');
    item.dataset.accountId = account.accountId;
    item.append(element('span', 'billing-account-name', account.name || account.accountId), ' \u00b7 ');
    item.append(element('span', 'billing-balance', 'Balance ' + money(account.balance)), ' ');
    const view = element('button', 'button secondary small', 'View Account');
    view.type = 'button';
    view.addEventListener('click', () => showAccount(account.accountId));
    item.append(view, agingOf(account));
    return item;
  }

  function statementRows(bodyId, emptyId, statements) {
    const body = $(bodyId);
    body.replaceChildren();
    $(emptyId).hidden = statements.length > 0;
    for (const statement of statements) {
      const row = element('tr', 'statement');
      row.dataset.statementId = statement.statementId;
      const pdf = element('a', null, 'Download PDF');
      pdf.href = '/api/billing/statements/' + encodeURIComponent(statement.statementId) + '/pdf';
      pdf.setAttribute('download', 'statement-' + statement.periodEnd + '.pdf');
      const link = element('td');
      link.append(pdf);
      row.append(
        element('td', null, dateOf(statement.periodStart) + ' \u2013 ' + dateOf(statement.periodEnd)),
        element('td', 'amount-due', money(statement.amountDue)),
        element('td', null, dateOf(statement.dueDate)),
        element('td', null, DELIVERY[statement.delivery] || statement.delivery || ''),
        link);
      body.append(row);
    }
  }

  function showPaperless(state) {
    paperless = state;
    const on = Boolean(state && state.paperless);
    const since = state && state.since ? ' since ' + dateOf(state.since) : '';
    const text = on ? 'Paperless billing is on' + since + ': your statements are here, and we e-mail you when a new '
      + 'one is ready.' : 'Paperless billing is off' + since + ': your statements are mailed to you.';
    $('billing-paperless-state').textContent = text;
    $('billing-account-paperless-state').textContent = text;
    $('billing-paperless-on').checked = on;
    $('billing-paperless-off').checked = !on;
  }

  async function showSummary(focus) {
    pane('billing-summary-area', focus ? 'billing-heading' : null);
    let summary;
    try {
      summary = await call('/api/billing/summary');
    } catch (e) {
      await failed(e, 'Your billing summary could not be loaded. Please try again later.');
      return;
    }
    const accounts = listOf(summary, 'accounts');
    $('billing-accounts').replaceChildren(...accounts.map(accountItem));
    $('billing-accounts-empty').hidden = accounts.length > 0;
    statementRows('billing-statements', 'billing-statements-empty', listOf(summary, 'statements'));
    showPaperless(summary.paperless);
  }

  async function showAccount(accountId) {
    let account;
    try {
      account = await call('/api/billing/accounts/' + encodeURIComponent(accountId));
    } catch (e) {
      await failed(e, 'This account could not be loaded. Please try again later.');
      return;
    }
    $('billing-account-name').textContent = account.name || account.accountId;
    $('billing-account-balance').textContent = 'Balance ' + money(account.balance);
    $('billing-account-aging').replaceChildren(agingOf(account));
    statementRows('billing-account-statements', 'billing-account-statements-empty', listOf(account, 'statements'));
    showPaperless(paperless);
    $('billing-paperless-form').hidden = true;
    $('billing-paperless-open').setAttribute('aria-expanded', 'false');
    status('');
    pane('billing-account-area', 'billing-account-name');
  }

  // --- paperless -----------------------------------------------------------------------------------------------------

  async function updatePaperless(event) {
    event.preventDefault();
    const wanted = $('billing-paperless-on').checked;
    const button = $('billing-paperless-update');
    button.disabled = true;
    try {
      showPaperless(await call('/api/billing/paperless', { method: 'PUT', json: { paperless: wanted } }));
      status(wanted ? 'Paperless billing is on. Your statements will be here.'
        : 'Paperless billing is off. Your next statements will be mailed to you.');
    } catch (e) {
      showPaperless(paperless);
      await failed(e, 'Your paperless billing choice could not be saved. Please try again.');
    }
    button.disabled = false;
  }

  function clear() {
    paperless = null;
    for (const id of ['billing-accounts', 'billing-statements', 'billing-account-statements', 'billing-account-aging']) {
      $(id).replaceChildren();
    }
    for (const id of ['billing-paperless-state', 'billing-account-paperless-state', 'billing-account-name',
      'billing-account-balance']) {
      $(id).textContent = '';
    }
    status('');
    pane('billing-summary-area');
  }

  window.portal.addArea({ show: () => showSummary(false), clear });

  document.addEventListener('DOMContentLoaded', () => {
    $('billing-paperless-form').addEventListener('submit', updatePaperless);
    $('billing-account-back').addEventListener('click', () => showSummary(true));
    // the seed's way: Billing Summary, View Account, Paperless Billing, Update
    $('billing-paperless-open').addEventListener('click', () => {
      const form = $('billing-paperless-form');
      form.hidden = !form.hidden;
      $('billing-paperless-open').setAttribute('aria-expanded', String(!form.hidden));
      if (!form.hidden) {
        $('billing-paperless-on').focus();
      }
    });
  });
})();
