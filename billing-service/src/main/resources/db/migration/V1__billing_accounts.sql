-- Billing accounts and statement delivery. Amounts and dates only: no clinical content.
CREATE TABLE billing_account (
    id                      uuid PRIMARY KEY,
    patient_id              varchar(64)  NOT NULL UNIQUE,
    paperless               boolean      NOT NULL DEFAULT true,   -- enrollment makes statements paperless
    paperless_changed_at    timestamptz,
    version                 bigint       NOT NULL DEFAULT 0
);

CREATE TABLE statement (
    id                      uuid PRIMARY KEY,
    account_id              uuid         NOT NULL REFERENCES billing_account (id),
    period_end              date         NOT NULL,
    amount_due_cents        bigint       NOT NULL CHECK (amount_due_cents >= 0),
    issued_at               timestamptz  NOT NULL,
    delivery                varchar(16)  NOT NULL CHECK (delivery IN ('PAPERLESS', 'MAIL'))
);
CREATE INDEX statement_account ON statement (account_id, period_end DESC);
