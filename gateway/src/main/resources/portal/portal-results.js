// Test results area of the portal page: lab reports newest first, each with its values (records-service's
// ListLabResults through /api/records/labs). Every value has its normal range and a flag in words, never colour
// alone. Texts are written with textContent only.
'use strict';

(() => {
  const { dateOf, element, pagedArea } = window.portal;

  const FLAGS = {
    NORMAL: 'Normal', LOW: 'Low', HIGH: 'High', CRITICAL_LOW: 'Critically low', CRITICAL_HIGH: 'Critically high',
    ABNORMAL: 'Abnormal',
  };

  const present = (number) => number !== undefined && number !== null;

  function valueOf(result) {
    if (result.valueText) {
      return result.valueText;
    }
    return present(result.numericValue) ? [String(result.numericValue), result.unit].filter(Boolean).join(' ') : '';
  }

  function rangeOf(result) {
    const range = result.referenceRange;
    if (!range) {
      return '';
    }
    if (range.text) {
      return range.text;
    }
    const unit = range.unit ? ' ' + range.unit : '';
    if (present(range.low) && present(range.high)) {
      return range.low + '\u2013' + range.high + unit;
    }
    if (present(range.low)) {
      return 'from ' + range.low + unit;
    }
    return present(range.high) ? 'up to ' + range.high + unit : '';
  }

  function resultRow(result) {
    const flag = FLAGS[result.interpretation] || '';
    const row = element('tr', flag && flag !== 'Normal' ? 'lab-result out-of-range' : 'lab-result');
    row.append(
      element('td', null, result.name || (result.code && result.code.display) || ''),
      element('td', null, valueOf(result)),
      element('td', null, rangeOf(result)),
      element('td', 'flag', flag),
    );
    return row;
  }

  function reportItem(report) {
    const item = element('li', 'lab-report');
    item.dataset.reportId = report.id;
    const table = element('table', 'lab-results');
    const caption = [report.name || 'Test result', dateOf(report.issuedAt),
      report.status && report.status !== 'final' ? report.status : ''].filter(Boolean).join(', ');
    table.append(element('caption', null, caption));
    const head = element('tr');
    for (const title of ['Test', 'Result', 'Normal range', 'Flag']) {
      const cell = element('th', null, title);
      cell.scope = 'col';
      head.append(cell);
    }
    const body = element('tbody');
    (report.results || []).forEach((result) => body.append(resultRow(result)));
    const thead = element('thead');
    thead.append(head);
    table.append(thead, body);
    item.append(table);
    if (!report.results || report.results.length === 0) {
      item.append(element('p', 'muted', 'This report has no values to show.'));
    }
    return item;
  }

  window.portal.addArea(pagedArea({
    path: '/api/records/labs',
    field: 'reports',
    noun: 'test results',
    pageSize: 10,
    listId: 'lab-report-list',
    emptyId: 'results-empty',
    moreId: 'results-more',
    statusId: 'results-status',
    render: reportItem,
  }));
})();
