-- Tamper evidence for the audit log: each new row carries the hash of the row before it
-- (`prev_hash`, '' for the first chained row) and its own hash over that and every column
-- (src/server/db/audit.rs), so a changed, removed or inserted row breaks the chain that
-- `shengyuan verify-audit` walks. Rows written before this migration have no hash: they stay as
-- they are, unchained, and the chain starts after them.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

-- The UPDATE and DELETE triggers of 0001 do not stop `INSERT OR REPLACE` / `REPLACE INTO`:
-- REPLACE deletes the conflicting row without firing DELETE triggers (unless recursive_triggers
-- is on). A BEFORE INSERT trigger runs before any conflict resolution, so it refuses a new row
-- whose id is taken, whatever the statement's conflict clause says.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- A new row continues the chain: the next id, the head's hash as its prev_hash, a hash of its own.
-- (Whether that hash matches the row's content only the verifier can tell; this keeps a writer
-- that bypasses src/server/db/audit.rs from leaving holes in the chain.)
CREATE TRIGGER audit_log_chained BEFORE INSERT ON audit_log
WHEN NEW.hash IS NULL
  OR NEW.id IS NOT COALESCE((SELECT MAX(id) FROM audit_log), 0) + 1
  OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '')
BEGIN
    SELECT RAISE(ABORT, 'audit_log rows must continue the hash chain');
END;
