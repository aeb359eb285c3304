// Documents area of the portal page: the patient's clinical documents, newest first (records-service's ListDocuments
// through /api/records/documents), each a download (the gateway sends it as an attachment, never as a page of the
// portal). Texts are written with textContent only.
'use strict';

(() => {
  const { dateOf, element, pagedArea } = window.portal;

  function documentItem(doc) {
    const item = element('li', 'document');
    item.dataset.documentId = doc.id;
    const title = doc.title || doc.type || 'Document';
    const link = element('a', null, title);
    link.href = '/api/records/documents/' + encodeURIComponent(doc.id);
    link.setAttribute('download', '');
    const details = [doc.type !== title ? doc.type : '', dateOf(doc.date), doc.author].filter(Boolean);
    item.append(link);
    if (details.length > 0) {
      item.append(' ', element('span', 'muted', details.join(' \u00b7 ')));
    }
    return item;
  }

  window.portal.addArea(pagedArea({
    path: '/api/records/documents',
    field: 'documents',
    noun: 'documents',
    pageSize: 10,
    listId: 'document-list',
    emptyId: 'documents-empty',
    moreId: 'documents-more',
    statusId: 'documents-status',
    render: documentItem,
  }));
})();
