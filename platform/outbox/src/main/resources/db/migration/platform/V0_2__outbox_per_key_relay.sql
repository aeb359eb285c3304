-- The relay keeps order per record key instead of one global order, so that several relays work at once and a row
-- that fails holds up only its own key (see OutboxRelay). Rows without a key form one group, the key ''.

alter table outbox_event
    add column next_attempt_at timestamptz not null default now(), -- back-off: the row is not tried before this
    add column parked_at       timestamptz;                         -- refused max-attempts times: out of the queue

-- the relay's read: per key, its pending rows in order
create index outbox_event_pending_key_idx on outbox_event ((coalesce(record_key, '')), id)
    where sent_at is null and parked_at is null;

-- the parked-rows gauge and the requeue
create index outbox_event_parked_idx on outbox_event (id) where parked_at is not null;
