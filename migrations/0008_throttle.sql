-- Every failed secret check — a login password, the current password asked by 账号安全, a
-- recovery code — with its account and client address. They drive the account-wide slowdown
-- (many failures from any addresses), the per-address limit (a scanner trying many accounts) and
-- the closing of e-mail recovery after too many wrong codes. Rows older than a day are purged.
CREATE TABLE auth_failures (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('student', 'staff')),
    login       TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    secret      TEXT NOT NULL CHECK (secret IN ('password', 'recovery_code')),
    at          TEXT NOT NULL
);
CREATE INDEX auth_failures_login ON auth_failures (kind, login, secret, at);
CREATE INDEX auth_failures_addr ON auth_failures (client_addr, at);
CREATE INDEX auth_failures_at ON auth_failures (at);

-- The recovery codes of a day are counted by creation time.
CREATE INDEX password_resets_created ON password_resets (student_id, created_at);

-- A new recovery address is bound only once a code sent to it comes back.
CREATE TABLE recovery_email_claims (
    student_id INTEGER PRIMARY KEY REFERENCES students (id),
    email      TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0
);

-- 首次登录须修改默认密码 (活动设置): on by default.
ALTER TABLE campaign ADD COLUMN force_default_change INTEGER NOT NULL DEFAULT 1;
