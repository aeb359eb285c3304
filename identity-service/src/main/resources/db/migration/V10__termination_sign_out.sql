-- The Keycloak side of an access termination (account.AccessTermination): recorded in the termination's own
-- transaction, carried out after it commits, and retried until done, so that the transaction holding the access
-- log's lock never waits on Keycloak and a Keycloak outage never loses a termination.
create table termination_sign_out (
    id             uuid          primary key,
    patient_id     varchar(64)   not null,
    user_id        varchar(64)   not null,      -- the recorded account; every user with the patient_id is disabled
    reason         varchar(500)  not null,
    terminated_by  varchar(64)   not null,
    terminated_at  timestamptz   not null,
    state          varchar(16)   not null check (state in ('PENDING', 'DONE')),
    attempts       integer       not null default 0,
    last_error     varchar(200),
    -- the request that recorded it holds it first; afterwards lease_until is also when the next attempt is due
    lease_owner    varchar(64),
    lease_until    timestamptz   not null,
    done_at        timestamptz,
    disabled_users integer
);
create index termination_sign_out_pending_idx on termination_sign_out (lease_until) where state = 'PENDING';
create index termination_sign_out_patient_idx on termination_sign_out (patient_id) where state = 'PENDING';
