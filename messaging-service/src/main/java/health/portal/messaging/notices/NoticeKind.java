package health.portal.messaging.notices;

/** What a notice announces; each has one fixed template ({@link NoticeTemplates}). */
enum NoticeKind {
    NEW_MESSAGE,
    RESPONSE_OVERDUE,
    SURVEY,
    LESSON,
    NEW_INFORMATION,
    /** billing's StatementIssued of a paperless statement (a mailed one gets no notice). */
    NEW_STATEMENT
}
