-- Threads: routing, the clock, read state per side. Still no subject, body, provider name or free text: the
-- category code and the urgent flag are workflow state the queue sorts by.
ALTER TABLE message_thread RENAME COLUMN assigned_provider_ref TO assigned_ref;
ALTER TABLE message_thread RENAME COLUMN respond_by TO due_at;
ALTER TABLE message_thread ALTER COLUMN due_at DROP NOT NULL;   -- a thread staff start awaits no answer
ALTER TABLE message_thread
    ADD COLUMN category            varchar(32)  NOT NULL DEFAULT 'other'
        CHECK (category IN ('medical-question', 'prescription-renewal', 'appointment', 'billing', 'other')),
    ADD COLUMN chosen_ref          varchar(128),           -- whom the patient wrote to
    ADD COLUMN practice_ref        varchar(128),           -- the practice pool (Organization/...)
    ADD COLUMN routed_to_covering  boolean      NOT NULL DEFAULT false,
    ADD COLUMN urgent              boolean      NOT NULL DEFAULT false,
    ADD COLUMN overdue             boolean      NOT NULL DEFAULT false,
    ADD COLUMN started_by          varchar(16)  NOT NULL DEFAULT 'PATIENT' CHECK (started_by IN ('PATIENT', 'CARE_TEAM')),
    ADD COLUMN last_message_at     timestamptz,
    ADD COLUMN patient_unread      boolean      NOT NULL DEFAULT false,
    ADD COLUMN care_team_unread    boolean      NOT NULL DEFAULT true;
UPDATE message_thread SET last_message_at = opened_at WHERE last_message_at IS NULL;
ALTER TABLE message_thread ALTER COLUMN last_message_at SET NOT NULL;

CREATE INDEX message_thread_queue ON message_thread (practice_ref, urgent DESC, overdue DESC, due_at) WHERE status = 'OPEN';

-- Who takes part in a thread (FHIR references: the patient, the providers it was routed to, staff who wrote).
CREATE TABLE thread_participant (
    thread_id  uuid         NOT NULL REFERENCES message_thread (id),
    reference  varchar(128) NOT NULL,
    PRIMARY KEY (thread_id, reference)
);

ALTER TABLE message
    ADD COLUMN sender_ref      varchar(128) NOT NULL DEFAULT '',
    ADD COLUMN recipient_ref   varchar(128) NOT NULL DEFAULT '',
    ADD COLUMN in_response_to  uuid REFERENCES message (id);

-- A message waiting for the EMR: only the SealedContent bytes (sealed to records-service's key, which this service
-- does not have). Deleted once filed.
CREATE TABLE pending_filing (
    message_id       uuid        PRIMARY KEY REFERENCES message (id),
    sealed           bytea       NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_error       varchar(64)                      -- a gRPC status code, never content
);
CREATE INDEX pending_filing_due ON pending_filing (next_attempt_at);

-- Surveys and lessons assigned by staff (FHIR Questionnaire ids); answers live only in the EMR.
CREATE TABLE questionnaire_assignment (
    id                 uuid         PRIMARY KEY,
    patient_id         varchar(64)  NOT NULL,
    questionnaire_id   varchar(64)  NOT NULL,
    kind               varchar(8)   NOT NULL CHECK (kind IN ('SURVEY', 'LESSON')),
    status             varchar(16)  NOT NULL CHECK (status IN ('ASSIGNED', 'COMPLETED', 'DECLINED')),
    assigned_by        varchar(64)  NOT NULL,
    assigned_at        timestamptz  NOT NULL,
    completed_at       timestamptz,
    emr_response_id    varchar(128),
    version            bigint       NOT NULL DEFAULT 0
);
CREATE INDEX questionnaire_assignment_patient ON questionnaire_assignment (patient_id, assigned_at DESC);

CREATE TABLE survey_preference (
    patient_id  varchar(64) PRIMARY KEY,
    surveys     boolean     NOT NULL,
    updated_at  timestamptz NOT NULL
);
