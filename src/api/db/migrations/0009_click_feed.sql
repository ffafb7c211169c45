-- The live click feed reads clicks in the order their transactions became
-- final, not by id: identity values commit out of order (a flush takes its
-- batch id first, its click ids later), so "id > cursor" could skip a row an
-- in-flight transaction commits below a cursor already handed out. `tx` is
-- the inserting top-level transaction; a row with tx below the oldest running
-- transaction (pg_snapshot_xmin) can no longer change.
-- Nullable with the default set afterwards: existing rows stay null (they are
-- history, never streamed) and the table is not rewritten.
alter table clicks add column tx xid8;
alter table clicks alter column tx set default pg_current_xact_id();
create index clicks_tx on clicks (tx, id) where tx is not null;
