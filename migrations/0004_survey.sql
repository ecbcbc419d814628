-- The job-intention survey students answer before 生源信息 (REQUIREMENTS §6).

CREATE TABLE survey_questions (
    id         INTEGER PRIMARY KEY,
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'text', 'number')),
    prompt     TEXT NOT NULL,
    options    TEXT NOT NULL DEFAULT '[]',  -- JSON array of the choices' labels
    required   INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- One response a student: the answers as JSON {"<question id>": ["value", …]}.
CREATE TABLE survey_responses (
    student_id   INTEGER PRIMARY KEY REFERENCES students (id),
    answers      TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- Whether students must answer before the form opens (学校 switches it on and off).
ALTER TABLE campaign ADD COLUMN survey_required INTEGER NOT NULL DEFAULT 0;
