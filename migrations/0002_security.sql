-- Accounts and security: throttling of wrong passwords, password recovery, a browsable security log.

-- Consecutive wrong passwords per (account, client address). An account is locked when one pair
-- reaches the limit, so a mistyping student behind a campus NAT address does not slow down the
-- others behind it; a successful login or an unlock clears the account's rows.
CREATE TABLE login_failures (
    kind        TEXT NOT NULL CHECK (kind IN ('student', 'staff')),
    login       TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    failures    INTEGER NOT NULL,
    last_at     TEXT NOT NULL,
    PRIMARY KEY (kind, login, client_addr)
);

-- The address a student bound for self-service password recovery.
ALTER TABLE students ADD COLUMN recovery_email TEXT;
-- Staff must also change a password someone else set.
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- One-time codes sent by e-mail; only their SHA-256 is kept.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES students (id),
    code_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    TEXT
);
CREATE INDEX password_resets_student ON password_resets (student_id, id);

-- The security log view filters by action and time.
CREATE INDEX audit_log_action ON audit_log (action, id);
