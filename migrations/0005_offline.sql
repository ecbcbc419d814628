-- Every save a browser sent with its own id (保存草稿 and 提交核验, also when queued offline and
-- sent again after a reload): a repeated id is answered with the current state, never applied twice.
CREATE TABLE applied_saves (
    student_id    INTEGER NOT NULL REFERENCES students (id),
    submission_id TEXT NOT NULL,
    intent        TEXT NOT NULL,
    applied_at    TEXT NOT NULL,
    PRIMARY KEY (student_id, submission_id)
) WITHOUT ROWID;
