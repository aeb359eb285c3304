-- identity-service connects as the application role ${app-role} (spring.datasource.username); Flyway runs as the
-- tables' owner (spring.flyway.user). The role gets what the service's code does and nothing more. Above all it
-- cannot update, delete or truncate access-log entries, and, owning no table, cannot alter a table, disable or drop
-- its triggers or replace their function: only the owner (or a superuser) could, and the owner lacks the chain's key.
-- The role must exist before this runs: an operator creates it (locally local-infrastructure does).
grant usage on schema public to "${app-role}";

grant select, insert on terms_version, terms_acceptance to "${app-role}";
grant usage on sequence terms_acceptance_id_seq to "${app-role}";
grant select, insert, update on patient_account, activation_code to "${app-role}";

grant select, insert on access_log_entry to "${app-role}";
grant usage on sequence access_log_entry_seq_seq to "${app-role}";
-- the head moves with every append; a head set back by this role is still caught (entries after it, published head)
grant select, update on access_log_head, keycloak_event_sync to "${app-role}";

-- platform-outbox's tables (V0_x, same Flyway run): the outbox is written in business transactions and marked sent or
-- requeued by the relay; the inbox is only ever inserted into and read
grant select, insert, update on outbox_event to "${app-role}";
grant usage on sequence outbox_event_id_seq to "${app-role}";
grant select, insert on inbox_processed_event to "${app-role}";

-- Tables and sequences that later migrations create are read and written by the service like those above; a later
-- table that must stay append-only revokes update, delete and truncate in its own migration.
alter default privileges in schema public grant select, insert, update, delete on tables to "${app-role}";
alter default privileges in schema public grant usage on sequences to "${app-role}";
