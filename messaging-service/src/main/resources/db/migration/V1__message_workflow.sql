-- Workflow state of secure messaging. Message text lives only in the EMR (FHIR Communication);
-- this database holds identifiers, routing and the response clock.
CREATE TABLE message_thread (
    id                     uuid PRIMARY KEY,
    patient_id             varchar(64)  NOT NULL,
    assigned_provider_ref  varchar(128) NOT NULL,   -- FHIR reference, e.g. Practitioner/pcp-morgan
    status                 varchar(16)  NOT NULL CHECK (status IN ('OPEN', 'ANSWERED', 'CLOSED')),
    opened_at              timestamptz  NOT NULL,
    respond_by             timestamptz  NOT NULL,   -- three business days after opened_at
    version                bigint       NOT NULL DEFAULT 0
);
CREATE INDEX message_thread_patient ON message_thread (patient_id, opened_at DESC);
CREATE INDEX message_thread_due ON message_thread (respond_by) WHERE status = 'OPEN';

CREATE TABLE message (
    id                     uuid PRIMARY KEY,
    thread_id              uuid         NOT NULL REFERENCES message_thread (id),
    emr_communication_id   varchar(128),            -- set once filed into the record
    direction              varchar(16)  NOT NULL CHECK (direction IN ('FROM_PATIENT', 'TO_PATIENT')),
    sent_at                timestamptz  NOT NULL
);
CREATE INDEX message_thread_order ON message (thread_id, sent_at);
