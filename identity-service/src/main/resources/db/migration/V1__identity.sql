-- identity-service: identifiers and workflow state only, no clinical content.

-- Versioned terms of use; the current version is the one published last.
create table terms_version (
    version       varchar(32)  primary key,
    text          text         not null,
    published_at  timestamptz  not null default now()
);

-- Every acceptance of a terms version: who, which version, when, from where.
create table terms_acceptance (
    id            bigserial    primary key,
    user_id       varchar(64)  not null,
    patient_id    varchar(64),
    version       varchar(32)  not null references terms_version (version),
    accepted_at   timestamptz  not null,
    client_ip     varchar(64),
    user_agent    varchar(512)
);
create index terms_acceptance_user_idx on terms_acceptance (user_id, accepted_at desc);

-- Portal accounts (Keycloak users) of patients. A patient has at most one account that is not terminated.
create table patient_account (
    user_id             varchar(64)  primary key,
    patient_id          varchar(64)  not null,
    username            varchar(64)  not null,
    enrolled_at         timestamptz  not null,
    terminated_at       timestamptz,
    terminated_by       varchar(64),
    termination_reason  varchar(500)
);
create unique index patient_account_one_active_idx on patient_account (patient_id) where terminated_at is null;
create index patient_account_patient_idx on patient_account (patient_id);

-- Activation codes, stored only as a SHA-256 hash of the normalized code.
create table activation_code (
    id               uuid         primary key,
    code_hash        char(64)     not null unique,
    patient_id       varchar(64)  not null,
    status           varchar(16)  not null check (status in ('ACTIVE', 'USED', 'REVOKED', 'LOCKED')),
    issued_by        varchar(64)  not null,
    issued_at        timestamptz  not null,
    expires_at       timestamptz  not null,
    failed_attempts  integer      not null default 0,
    used_at          timestamptz,
    used_by_user_id  varchar(64),
    revoked_at       timestamptz,
    revoked_by       varchar(64)
);
create index activation_code_patient_idx on activation_code (patient_id);

-- The patient's access log (ONC 170.315(d)(2)): append-only and hash-chained.
create table access_log_entry (
    seq          bigserial     primary key,
    source       varchar(16)   not null,
    source_id    varchar(128)  not null unique,    -- Keycloak event id, audit event id, ...: imports are idempotent
    patient_id   varchar(64)   not null,
    user_id      varchar(64),
    occurred_at  timestamptz   not null,
    recorded_at  timestamptz   not null,
    category     varchar(32)   not null,
    action       varchar(128)  not null,
    outcome      varchar(16)   not null,
    actor_id     varchar(64),
    actor_type   varchar(16),
    client_ip    varchar(64),
    device       varchar(512),
    detail       varchar(512),
    prev_hash    char(64)      not null,
    entry_hash   char(64)      not null
);
create index access_log_patient_idx on access_log_entry (patient_id, occurred_at desc);

-- The chain's head: the last entry's sequence number and hash, so that removing the newest entries shows too.
create table access_log_head (
    id         integer   primary key check (id = 1),
    last_seq   bigint    not null,
    last_hash  char(64)  not null
);
insert into access_log_head (id, last_seq, last_hash) values (1, 0, repeat('0', 64));

create function access_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'access_log_entry is append-only';
end
$$;
create trigger access_log_entry_no_change before update or delete on access_log_entry
    for each row execute function access_log_append_only();
create trigger access_log_entry_no_truncate before truncate on access_log_entry
    for each statement execute function access_log_append_only();

-- Where the copy of Keycloak's stored events has got to (event time in epoch milliseconds).
create table keycloak_event_sync (
    id               integer  primary key check (id = 1),
    last_event_time  bigint   not null
);
insert into keycloak_event_sync (id, last_event_time) values (1, 0);
