-- The school office: the campaign (届 and its windows), staged roster uploads, cohort removals.

-- One campaign per database: the cohort being collected. Dates are Beijing days (YYYY-MM-DD),
-- NULL for "no limit".
CREATE TABLE campaign (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    cohort            TEXT NOT NULL,
    school_name       TEXT NOT NULL,
    student_opens_on  TEXT,
    student_closes_on TEXT,
    review_opens_on   TEXT,
    review_closes_on  TEXT,
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL
);

-- An uploaded roster waiting for its preview to be confirmed (nothing is written before).
CREATE TABLE uploads (
    id         INTEGER PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    file_name  TEXT NOT NULL,
    content    BLOB NOT NULL,
    created_at TEXT NOT NULL,
    applied_at TEXT,
    summary    TEXT
);

-- A college asks 学校 to take a student out of the cohort (留级, 休学); 学校 decides.
CREATE TABLE removal_requests (
    id           INTEGER PRIMARY KEY,
    student_id   INTEGER NOT NULL REFERENCES students (id),
    reason       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decision     TEXT CHECK (decision IN ('approved', 'refused')),
    decided_by   TEXT,
    decided_at   TEXT,
    note         TEXT
);
CREATE INDEX removal_requests_open ON removal_requests (decision, id);
