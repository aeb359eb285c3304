-- From here on the chain is keyed: each entry carries an HMAC-SHA256, under a key that is never stored in the
-- database (portal.access-log.mac-key), of its sequence number, its content and the previous entry's MAC. Whoever can
-- write these tables but lacks the key cannot compute a chain that verifies. The columns are renamed to say so.
--
-- Entries written before this migration carry an unkeyed SHA-256 and do not verify under the key: verification names
-- the oldest of them as the first bad entry. No production data existed when the key was introduced, so nothing
-- converts them; a development database holding such entries is recreated (the launcher and the tests always start
-- from an empty one).
alter table access_log_entry rename column prev_hash to prev_mac;
alter table access_log_entry rename column entry_hash to entry_mac;
alter table access_log_head rename column last_hash to last_mac;
