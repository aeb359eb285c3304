-- Identifiers, amounts in minor units with their currency, dates, statement status and delivery preferences.
-- No column holds what a charge was for: that is health information and stays in the EMR (read when a PDF is drawn).
DROP TABLE statement;
DROP TABLE billing_account;

-- accounts: the EMR's guarantor accounts (FHIR Account), kept by id once seen
CREATE TABLE account (
    account_id      varchar(64)  PRIMARY KEY,
    patient_id      varchar(64)  NOT NULL,
    name            varchar(200) NOT NULL,
    currency        char(3)      NOT NULL,
    active          boolean      NOT NULL,
    first_seen_at   timestamptz  NOT NULL
);
CREATE INDEX account_patient ON account (patient_id);

-- ledger: one posting per external id, two lines each (double entry), the balance kept per account
CREATE TABLE posting (
    posting_id      uuid         PRIMARY KEY,
    external_id     varchar(100) NOT NULL UNIQUE,
    account_id      varchar(64)  NOT NULL REFERENCES account (account_id),
    kind            varchar(20)  NOT NULL CHECK (kind IN ('CHARGE', 'PAYMENT', 'CREDIT_ADJUSTMENT', 'DEBIT_ADJUSTMENT')),
    amount_minor    bigint       NOT NULL CHECK (amount_minor > 0),
    currency        char(3)      NOT NULL,
    posted_on       date         NOT NULL,
    service_date    date         NOT NULL,
    charge_item_id  varchar(64),
    recorded_at     timestamptz  NOT NULL,
    CHECK (kind <> 'CHARGE' OR charge_item_id IS NOT NULL)
);
CREATE INDEX posting_account ON posting (account_id, posted_on);

CREATE TABLE ledger_line (
    line_id         bigserial    PRIMARY KEY,
    posting_id      uuid         NOT NULL REFERENCES posting (posting_id),
    ledger          varchar(20)  NOT NULL CHECK (ledger IN ('RECEIVABLE', 'REVENUE', 'CASH', 'ADJUSTMENTS')),
    account_id      varchar(64)  REFERENCES account (account_id),
    amount_minor    bigint       NOT NULL,
    currency        char(3)      NOT NULL,
    CHECK ((ledger = 'RECEIVABLE') = (account_id IS NOT NULL))
);
CREATE INDEX ledger_line_account ON ledger_line (account_id);

CREATE TABLE account_balance (
    account_id      varchar(64)  PRIMARY KEY REFERENCES account (account_id),
    currency        char(3)      NOT NULL,
    balance_minor   bigint       NOT NULL DEFAULT 0
);

-- paperless: the patient's delivery preference and every change of it (who, when, from where)
CREATE TABLE paperless_preference (
    patient_id      varchar(64)  PRIMARY KEY,
    paperless       boolean      NOT NULL,
    since           timestamptz  NOT NULL,
    changed_by      varchar(16)  NOT NULL CHECK (changed_by IN ('PATIENT', 'ENROLLMENT', 'STAFF'))
);

CREATE TABLE paperless_change (
    change_id       bigserial    PRIMARY KEY,
    patient_id      varchar(64)  NOT NULL,
    paperless       boolean      NOT NULL,
    changed_at      timestamptz  NOT NULL,
    changed_by      varchar(16)  NOT NULL CHECK (changed_by IN ('PATIENT', 'ENROLLMENT', 'STAFF')),
    actor_id        varchar(100) NOT NULL,
    actor_name      varchar(100),
    client_ip       varchar(64),
    user_agent      varchar(512),
    source_event_id varchar(64)
);
CREATE INDEX paperless_change_patient ON paperless_change (patient_id, changed_at);

-- statements: one per account and period, never changed once issued
CREATE TABLE statement (
    statement_id            uuid         PRIMARY KEY,
    account_id              varchar(64)  NOT NULL REFERENCES account (account_id),
    patient_id              varchar(64)  NOT NULL,
    period_start            date         NOT NULL,
    period_end              date         NOT NULL,
    previous_balance_minor  bigint       NOT NULL,
    amount_due_minor        bigint       NOT NULL,
    currency                char(3)      NOT NULL,
    due_date                date         NOT NULL,
    issued_at               timestamptz  NOT NULL,
    delivery                varchar(16)  NOT NULL CHECK (delivery IN ('PAPERLESS', 'MAIL')),
    UNIQUE (account_id, period_end)
);
CREATE INDEX statement_patient ON statement (patient_id, period_end DESC);

-- a posting is on one statement at most
CREATE TABLE statement_line (
    posting_id      uuid         PRIMARY KEY REFERENCES posting (posting_id),
    statement_id    uuid         NOT NULL REFERENCES statement (statement_id)
);
CREATE INDEX statement_line_statement ON statement_line (statement_id);

CREATE TABLE statement_run (
    run_id          uuid         PRIMARY KEY,
    period_end      date         NOT NULL,
    status          varchar(16)  NOT NULL CHECK (status IN ('RUNNING', 'PENDING', 'COMPLETED')),
    issued          int          NOT NULL DEFAULT 0,
    pending         int          NOT NULL DEFAULT 0,
    started_at      timestamptz  NOT NULL,
    finished_at     timestamptz
);
CREATE INDEX statement_run_pending ON statement_run (status) WHERE status = 'PENDING';

-- paper mail: MAIL statements waiting for the vendor's batch (ids only; the PDF and address are drawn at export)
CREATE TABLE paper_mail_item (
    statement_id    uuid         PRIMARY KEY REFERENCES statement (statement_id),
    patient_id      varchar(64)  NOT NULL,
    status          varchar(16)  NOT NULL CHECK (status IN ('QUEUED', 'EXPORTED')),
    queued_at       timestamptz  NOT NULL,
    batch_id        uuid,
    exported_at     timestamptz
);
CREATE INDEX paper_mail_queued ON paper_mail_item (patient_id) WHERE status = 'QUEUED';

CREATE TABLE paper_mail_batch (
    batch_id        uuid         PRIMARY KEY,
    file_name       varchar(200) NOT NULL,
    statements      int          NOT NULL,
    written_at      timestamptz  NOT NULL
);
