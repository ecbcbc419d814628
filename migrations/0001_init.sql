-- Organisation: 院系 → 专业 → 班级
CREATE TABLE colleges (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    code TEXT NOT NULL DEFAULT ''
);

CREATE TABLE majors (
    id         INTEGER PRIMARY KEY,
    college_id INTEGER NOT NULL REFERENCES colleges (id),
    name       TEXT NOT NULL,
    code       TEXT NOT NULL DEFAULT '',
    UNIQUE (college_id, name)
);

CREATE TABLE classes (
    id       INTEGER PRIMARY KEY,
    major_id INTEGER NOT NULL REFERENCES majors (id),
    name     TEXT NOT NULL,
    UNIQUE (major_id, name)
);

-- 校库: the school record, one row a student, changed only by staff and imports.
-- The account columns sit here because a student's login is their 学号.
CREATE TABLE students (
    id                   INTEGER PRIMARY KEY,
    student_no           TEXT NOT NULL UNIQUE,           -- 学号
    exam_no              TEXT NOT NULL DEFAULT '',       -- 考生号
    name                 TEXT NOT NULL,                  -- 姓名
    gender               TEXT NOT NULL,                  -- 性别代码 1/2
    id_number            TEXT NOT NULL,                  -- 身份证号 (18 digits)
    education_level      TEXT NOT NULL,                  -- 学历代码 01/11/31/41
    college_id           INTEGER NOT NULL REFERENCES colleges (id),
    major_id             INTEGER NOT NULL REFERENCES majors (id),
    major_direction      TEXT NOT NULL DEFAULT '',       -- 专业方向
    class_id             INTEGER REFERENCES classes (id),
    study_years          TEXT NOT NULL DEFAULT '',       -- 学制
    enrolled_on          TEXT NOT NULL DEFAULT '',       -- 入学时间 YYYY-MM
    graduating_on        TEXT NOT NULL DEFAULT '',       -- 毕业时间 YYYY-MM
    -- the school record's values of the fields the student checks
    origin_code          TEXT NOT NULL DEFAULT '',
    training_mode        TEXT NOT NULL DEFAULT '',
    sponsor_unit         TEXT NOT NULL DEFAULT '',
    normal_category      TEXT NOT NULL DEFAULT '',
    urban_rural          TEXT NOT NULL DEFAULT '',
    ethnicity            TEXT NOT NULL DEFAULT '',
    political            TEXT NOT NULL DEFAULT '',
    hardship             TEXT NOT NULL DEFAULT '',
    mobile               TEXT NOT NULL DEFAULT '',
    email                TEXT NOT NULL DEFAULT '',
    qq                   TEXT NOT NULL DEFAULT '',
    home_address         TEXT NOT NULL DEFAULT '',
    home_phone           TEXT NOT NULL DEFAULT '',
    postcode             TEXT NOT NULL DEFAULT '',
    -- account: NULL hash means the default password (last six of 身份证号) is in force
    password_hash        TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_at            TEXT,
    removed_at           TEXT,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX students_college ON students (college_id, major_id, class_id);
CREATE INDEX students_name ON students (name);

-- 学生核验信息: the student's own copy, created by 开始核验.
CREATE TABLE verifications (
    student_id         INTEGER PRIMARY KEY REFERENCES students (id),
    status             TEXT NOT NULL DEFAULT 'unverified'
                       CHECK (status IN ('unverified', 'submitted', 'rejected', 'approved')),
    origin_code        TEXT NOT NULL DEFAULT '',
    training_mode      TEXT NOT NULL DEFAULT '',
    sponsor_unit       TEXT NOT NULL DEFAULT '',
    normal_category    TEXT NOT NULL DEFAULT '',
    urban_rural        TEXT NOT NULL DEFAULT '',
    ethnicity          TEXT NOT NULL DEFAULT '',
    political          TEXT NOT NULL DEFAULT '',
    hardship           TEXT NOT NULL DEFAULT '',
    mobile             TEXT NOT NULL DEFAULT '',
    email              TEXT NOT NULL DEFAULT '',
    qq                 TEXT NOT NULL DEFAULT '',
    home_address       TEXT NOT NULL DEFAULT '',
    home_phone         TEXT NOT NULL DEFAULT '',
    postcode           TEXT NOT NULL DEFAULT '',
    reject_reason      TEXT,
    last_submission_id TEXT,
    version            INTEGER NOT NULL DEFAULT 1,
    started_at         TEXT NOT NULL,
    saved_at           TEXT,
    submitted_at       TEXT,
    reviewed_at        TEXT,
    updated_at         TEXT NOT NULL
);
CREATE INDEX verifications_status ON verifications (status, submitted_at);

-- Staff accounts: college_id NULL means school-wide (学校).
CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    college_id    INTEGER REFERENCES colleges (id),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_at     TEXT,
    disabled_at   TEXT,
    created_at    TEXT NOT NULL
);

-- Server-side sessions; the cookie carries a random token, the table only its SHA-256.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    student_id   INTEGER REFERENCES students (id) ON DELETE CASCADE,
    staff_id     INTEGER REFERENCES staff (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    CHECK ((student_id IS NULL) <> (staff_id IS NULL))
);

-- Append-only audit log.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,      -- 'student:2019001', 'staff:zhangsan', 'system:import'
    action      TEXT NOT NULL,
    student_id  INTEGER REFERENCES students (id),
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    detail      TEXT,
    client_addr TEXT
);
CREATE INDEX audit_log_student ON audit_log (student_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- In-app notifications for students (review results).
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES students (id),
    at         TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    read_at    TEXT
);
CREATE INDEX notifications_student ON notifications (student_id, id);
