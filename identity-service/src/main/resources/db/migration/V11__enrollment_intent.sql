-- Enrollment as a recorded, resumable sequence (enrollment.EnrollmentService): the intent is committed before the
-- Keycloak user exists, so whatever step a crash interrupts, a row says what is left to finish or to undo.
create table enrollment_intent (
    id                  uuid         primary key,
    username            varchar(64)  not null,
    patient_id          varchar(64)  not null,
    activation_code_id  uuid         not null references activation_code (id),
    state               varchar(16)  not null check (state in ('PENDING', 'RECORDED', 'COMPLETED', 'UNDONE')),
    user_id             varchar(64),
    created_at          timestamptz  not null default now(),
    updated_at          timestamptz  not null default now(),
    -- who works on the intent, and until when: first the request that began it; once that lease has run out
    -- (a crash, a hang) whoever claims it next, a reconciler on any instance or the patient's own retry
    lease_owner         varchar(64),
    lease_until         timestamptz  not null,
    attempts            integer      not null default 0
);
-- a user ID has at most one unfinished enrollment; finished ones stay as history
create unique index enrollment_intent_open_username_idx on enrollment_intent (username)
    where state in ('PENDING', 'RECORDED');
create index enrollment_intent_open_lease_idx on enrollment_intent (lease_until)
    where state in ('PENDING', 'RECORDED');

-- The mark this installation puts on the Keycloak users its enrollments create (user attribute portal_installation):
-- the orphan sweep deletes only users with this mark, never those of another installation sharing the realm, nor
-- users made by other tooling.
create table portal_installation (
    id               integer  primary key check (id = 1),
    installation_id  uuid     not null
);
insert into portal_installation (id, installation_id) values (1, gen_random_uuid());

-- The orphan sweep runs on one instance at a time: the instance that moves next_run_at forward runs it.
create table enrollment_sweep (
    id           integer      primary key check (id = 1),
    next_run_at  timestamptz  not null
);
insert into enrollment_sweep (id, next_run_at) values (1, now());
