-- Staged roster uploads keep the file only until it is confirmed or discarded (or 24 hours pass),
-- the uploader's scope, and the preview worked out once when the file arrived.
--
-- Unconfirmed uploads of the old shape have no stored preview and are dropped (upload again);
-- confirmed ones keep their summary and lose their file.
CREATE TABLE uploads_new (
    id           INTEGER PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff (id),
    -- The uploader's college when it was uploaded (NULL: 学校); the import applies with it,
    -- whoever confirms.
    college_id   INTEGER REFERENCES colleges (id),
    file_name    TEXT NOT NULL,
    -- NULL once confirmed or discarded.
    content      BLOB,
    -- The preview (JSON) as worked out at upload time.
    preview      TEXT,
    row_count    INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    applied_at   TEXT,
    discarded_at TEXT,
    summary      TEXT
);
INSERT INTO uploads_new (id, staff_id, college_id, file_name, created_at, applied_at, summary)
SELECT u.id, u.staff_id, s.college_id, u.file_name, u.created_at, u.applied_at, u.summary
FROM uploads u JOIN staff s ON s.id = u.staff_id
WHERE u.applied_at IS NOT NULL;
DROP TABLE uploads;
ALTER TABLE uploads_new RENAME TO uploads;
CREATE INDEX uploads_waiting ON uploads (created_at) WHERE content IS NOT NULL;
