-- The e-mail notices to patients, one per event at most (event_id unique; the inbox marks the event in the same
-- transaction). No address and no content: the address is looked up at sending, the text is a fixed template.
CREATE TABLE notice (
    id               uuid PRIMARY KEY,
    event_id         varchar(64)  NOT NULL UNIQUE,
    patient_id       varchar(64)  NOT NULL,
    kind             varchar(24)  NOT NULL CHECK (kind IN ('NEW_MESSAGE', 'RESPONSE_OVERDUE', 'SURVEY', 'LESSON',
                                                          'NEW_INFORMATION', 'NEW_STATEMENT')),
    status           varchar(16)  NOT NULL CHECK (status IN ('PENDING', 'SENT', 'NO_ADDRESS', 'OPTED_OUT')),
    attempts         integer      NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz  NOT NULL,
    created_at       timestamptz  NOT NULL,
    done_at          timestamptz,
    last_error       varchar(200)             -- the exception's class only: a message may carry an address
);
CREATE INDEX notice_due ON notice (next_attempt_at) WHERE status = 'PENDING';
