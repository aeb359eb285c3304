-- Tables of the shared platform library (module platform). Version 0.x so they never clash with a
-- service's own V1, V2, ... migrations; the library adds classpath:db/migration/platform to Flyway's locations.

-- Transactional outbox: rows are written in the business transaction and relayed to Kafka afterwards.
create table outbox_event (
    id            bigserial primary key,           -- relay order (per key order follows insertion order)
    event_id      uuid         not null unique,
    topic         varchar(249) not null,
    record_key    varchar(255),
    event_type    varchar(255) not null,
    envelope      bytea        not null,           -- serialized portal.events.v1.EventEnvelope
    created_at    timestamptz  not null default now(),
    sent_at       timestamptz,
    attempts      integer      not null default 0,
    last_error    varchar(1000)
);
create index outbox_event_unsent_idx on outbox_event (id) where sent_at is null;

-- Idempotent inbox: one row per (event, consumer) that has been handled, written in the handler's transaction.
create table inbox_processed_event (
    event_id      varchar(64)  not null,
    consumer      varchar(200) not null,
    processed_at  timestamptz  not null default now(),
    primary key (event_id, consumer)
);
