//! Test harness: the real router on 127.0.0.1:0 with a fresh SQLite database, and a
//! cookie-keeping client per user.

#![allow(dead_code)]

use shengyuan::error::AppError;
use shengyuan::server::{AppState, Config, http, roster};
use std::net::SocketAddr;

pub const ROSTER: &str = include_str!("../../end2end/fixtures/roster.csv");
pub const STAFF_PASSWORD: &str = "Staff-Password-1";

pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// As `spawn`, with settings changed by `configure` first.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let options = leptos::prelude::get_configuration(Some(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/Cargo.toml"
        )))
        .expect("leptos options")
        .leptos_options;
        let mut config = Config::for_database(&url);
        configure(&mut config);
        let state = http::build_state(config, options).await.expect("state");
        let report = roster::import_csv(&state.pool, ROSTER)
            .await
            .expect("fixture roster imports");
        assert_eq!(report.refused, 0, "{:?}", report.problems);
        shengyuan::server::demo::add_staff(
            &state.pool,
            "school",
            "招生就业处",
            STAFF_PASSWORD,
            None,
        )
        .await
        .expect("school staff");
        shengyuan::server::demo::add_staff(
            &state.pool,
            "math",
            "数学辅导员",
            STAFF_PASSWORD,
            Some("数学与计算科学学院"),
        )
        .await
        .expect("college staff");
        shengyuan::server::demo::add_staff(
            &state.pool,
            "cs",
            "计算机辅导员",
            STAFF_PASSWORD,
            Some("计算机科学与工程学院"),
        )
        .await
        .expect("other college staff");
        // Most tests log fixture students in with their default passwords and go on; the
        // forced first change (on by default) is tested on its own.
        set_first_login_change(&state, false).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let router = http::router(state.clone());
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("server runs");
        });
        TestApp {
            addr,
            state,
            _dir: dir,
        }
    }

    /// A cookie-keeping client whose writes carry this site's `Origin`, as a browser's do.
    pub fn client(&self) -> Client {
        self.client_with(reqwest::header::HeaderMap::new())
    }

    /// A client seen as coming from `addr`: its requests carry the `X-Forwarded-For` a reverse
    /// proxy would add (the app must trust 127.0.0.1 as a proxy for it to count).
    pub fn client_from(&self, addr: &str) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            reqwest::header::HeaderValue::from_str(addr).expect("address"),
        );
        self.client_with(headers)
    }

    fn client_with(&self, mut headers: reqwest::header::HeaderMap) -> Client {
        let base = format!("http://{}", self.addr);
        headers.insert(
            reqwest::header::ORIGIN,
            reqwest::header::HeaderValue::from_str(&base).expect("origin"),
        );
        Client {
            http: reqwest::Client::builder()
                .default_headers(headers)
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base,
        }
    }

    /// A client logged in as the fixture student `student_no`.
    pub async fn student(&self, student_no: &str) -> Client {
        let client = self.client();
        let password = default_password(student_no);
        client
            .login(student_no, &password)
            .await
            .expect("student logs in");
        client
    }

    pub async fn staff(&self, username: &str) -> Client {
        let client = self.client();
        client
            .call(
                "staff_login",
                &[("username", username), ("password", STAFF_PASSWORD)],
            )
            .await
            .expect("staff logs in");
        client
    }

    pub async fn audit_count(&self, student_no: &str, action: &str) -> i64 {
        sqlx::query_scalar::<sqlx::Sqlite, i64>(
            "SELECT COUNT(*) FROM audit_log a JOIN students s ON s.id = a.student_id
             WHERE s.student_no = $1 AND a.action = $2",
        )
        .bind(student_no)
        .bind(action)
        .fetch_one(&self.state.pool)
        .await
        .expect("audit query")
    }
}

/// The fixture's default password: the last six characters of the 身份证号.
pub fn default_password(student_no: &str) -> String {
    let line = ROSTER
        .lines()
        .find(|l| l.starts_with(&format!("{student_no},")))
        .expect("fixture student");
    let id = line.split(',').nth(4).expect("id column");
    id[id.len() - 6..].to_string()
}

pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
}

impl Client {
    /// Another handle on the same session (the cookie store is shared).
    pub fn clone_for_call(&self) -> Client {
        Client {
            base: self.base.clone(),
            http: self.http.clone(),
        }
    }

    /// Calls a server function (form-encoded, as a browser would) and decodes its JSON answer.
    pub async fn call_raw(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await
            .expect("request is sent")
    }

    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> Result<serde_json::Value, AppError> {
        let response = self.call_raw(endpoint, form).await;
        let ok = response.status().is_success() || response.status().is_redirection();
        let text = response.text().await.expect("body");
        if ok {
            Ok(if text.trim().is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
            })
        } else {
            Err(serde_json::from_str::<AppError>(&text)
                .unwrap_or_else(|e| panic!("error body {text:?} is not an AppError: {e}")))
        }
    }

    pub async fn login(
        &self,
        student_no: &str,
        password: &str,
    ) -> Result<serde_json::Value, AppError> {
        self.call(
            "login",
            &[("student_no", student_no), ("password", password)],
        )
        .await
    }

    pub async fn info(&self) -> Result<serde_json::Value, AppError> {
        self.call("my_info", &[]).await
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("get")
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A complete, valid form for a 本科 non-师范 student, as `(name, value)` pairs.
pub fn valid_form() -> Vec<(&'static str, String)> {
    vec![
        ("origin_code", "430104".into()),
        ("training_mode", "1".into()),
        ("sponsor_unit", "".into()),
        ("normal_category", "2".into()),
        ("urban_rural", "1".into()),
        ("ethnicity", "01".into()),
        ("political", "03".into()),
        ("hardship", "0".into()),
        ("mobile", "13912345678".into()),
        ("email", "student@example.com".into()),
        ("qq", "123456789".into()),
        ("home_address", "湖南省长沙市岳麓区麓山南路2号".into()),
        ("home_phone", "".into()),
        ("postcode", "410082".into()),
    ]
}

pub fn with(
    form: &[(&'static str, String)],
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    form.iter()
        .map(|(k, v)| {
            (
                *k,
                changes
                    .iter()
                    .find(|(ck, _)| ck == k)
                    .map(|(_, cv)| cv.to_string())
                    .unwrap_or_else(|| v.clone()),
            )
        })
        .collect()
}

impl Client {
    pub async fn version(&self) -> i64 {
        let info = self.info().await.expect("info");
        info["verification"]["version"].as_i64().unwrap_or(0)
    }

    pub async fn save(
        &self,
        intent: &str,
        form: &[(&'static str, String)],
        submission_id: &str,
    ) -> Result<serde_json::Value, AppError> {
        let version = self.version().await.to_string();
        self.save_at(intent, form, &version, submission_id).await
    }

    pub async fn save_at(
        &self,
        intent: &str,
        form: &[(&'static str, String)],
        version: &str,
        submission_id: &str,
    ) -> Result<serde_json::Value, AppError> {
        let mut fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let submission_id = submission_uuid(submission_id);
        fields.push(("intent", intent));
        fields.push(("version", version));
        fields.push(("submission_id", &submission_id));
        self.call("save_verification", &fields).await
    }
}

impl TestApp {
    pub async fn student_id(&self, student_no: &str) -> i64 {
        sqlx::query_scalar::<sqlx::Sqlite, i64>("SELECT id FROM students WHERE student_no = $1")
            .bind(student_no)
            .fetch_one(&self.state.pool)
            .await
            .expect("student exists")
    }

    /// Puts a student's copy into 学生已核 with a QQ that differs from 校库; returns its version.
    pub async fn make_submitted(&self, student_no: &str) -> i64 {
        let id = self.student_id(student_no).await;
        sqlx::query(
            "INSERT INTO verifications (student_id, status, origin_code, training_mode, normal_category,
                urban_rural, ethnicity, political, hardship, mobile, email, qq, home_address, postcode,
                started_at, submitted_at, updated_at)
             SELECT id, 'submitted', '430104', training_mode, normal_category, urban_rural, ethnicity,
                political, '0', '13912345678', email, '99999999', '湖南省长沙市岳麓区1号', '410082',
                '2023-06-01T00:00:00Z', '2023-06-01T00:00:00Z', '2023-06-01T00:00:00Z'
             FROM students WHERE id = $1
             ON CONFLICT (student_id) DO UPDATE SET status = 'submitted', qq = '99999999',
                reject_reason = NULL, version = verifications.version + 1",
        )
        .bind(id)
        .execute(&self.state.pool)
        .await
        .expect("submitted");
        sqlx::query_scalar::<sqlx::Sqlite, i64>(
            "SELECT version FROM verifications WHERE student_id = $1",
        )
        .bind(id)
        .fetch_one(&self.state.pool)
        .await
        .expect("version")
    }

    pub async fn status_of(&self, student_no: &str) -> String {
        sqlx::query_scalar::<sqlx::Sqlite, String>(
            "SELECT v.status FROM verifications v JOIN students s ON s.id = v.student_id WHERE s.student_no = $1",
        )
        .bind(student_no)
        .fetch_one(&self.state.pool)
        .await
        .expect("status")
    }

    pub async fn school_value(&self, student_no: &str, column: &str) -> String {
        let sql = format!("SELECT {column} FROM students WHERE student_no = $1");
        sqlx::query_scalar::<sqlx::Sqlite, String>(sqlx::AssertSqlSafe(sql))
            .bind(student_no)
            .fetch_one(&self.state.pool)
            .await
            .expect("column")
    }
}

impl Client {
    /// Calls a server function whose input is JSON-encoded.
    pub async fn call_json(
        &self,
        endpoint: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, AppError> {
        let response = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("request is sent");
        let ok = response.status().is_success();
        let text = response.text().await.expect("body");
        if ok {
            Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
        } else {
            Err(serde_json::from_str::<AppError>(&text)
                .unwrap_or_else(|e| panic!("error body {text:?}: {e}")))
        }
    }
}

/// The save id a browser would send for a test's label: the same label gives the same id (so a
/// test can resend one), in the 32-hex-digit form the page generates; "" stays "no id".
pub fn submission_uuid(label: &str) -> String {
    use std::hash::{DefaultHasher, Hash, Hasher};
    if label.is_empty() {
        return String::new();
    }
    let half = |salt: u8| {
        let mut h = DefaultHasher::new();
        (salt, label).hash(&mut h);
        h.finish()
    };
    format!("{:016x}{:016x}", half(1), half(2))
}

/// Switches 首次登录须修改默认密码 directly in the database.
pub async fn set_first_login_change(state: &AppState, on: bool) {
    let mut tx = shengyuan::server::db::begin_write(&state.pool)
        .await
        .expect("write");
    shengyuan::server::db::campaign::set_force_default_change(&mut tx, on, "system:test")
        .await
        .expect("switch");
    tx.commit().await.expect("commit");
}

/// The codes of the outbox's messages with `subject`, oldest first.
pub fn outbox_codes_with(app: &TestApp, subject: &str) -> Vec<String> {
    let dir = &app.state.config.outbox_dir;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).expect("outbox file");
            if !text.contains(&format!("Subject: {subject}")) {
                return None;
            }
            let line = text.lines().find(|l| l.starts_with("验证码："))?;
            Some(line.trim_start_matches("验证码：").trim().to_string())
        })
        .collect()
}

pub const RECOVERY_SUBJECT: &str = "找回密码验证码";
pub const BIND_SUBJECT: &str = "绑定找回密码邮箱验证码";

/// Binds `email` as the recovery address of `client`'s student: the code sent to it comes back.
pub async fn bind_recovery_email(app: &TestApp, client: &Client, email: &str, password: &str) {
    let sent = client
        .call(
            "bind_recovery_email",
            &[("email", email), ("password", password)],
        )
        .await
        .expect("a code is sent to the new address");
    assert!(sent.get("CodeSent").is_some(), "{sent}");
    let code = outbox_codes_with(app, BIND_SUBJECT)
        .pop()
        .expect("the binding code");
    client
        .call("confirm_recovery_email", &[("code", &code)])
        .await
        .expect("the code binds the address");
}

impl TestApp {
    /// `n` more students from the demo generator: their (学号, default password).
    pub async fn more_students(&self, n: usize) -> Vec<(String, String)> {
        let (headers, rows) = shengyuan::server::demo::generate(&self.state.divisions, n, 2023);
        let csv = shengyuan::server::demo::to_csv(&headers, &rows).expect("csv");
        let report = roster::import_csv(&self.state.pool, &csv)
            .await
            .expect("import");
        assert_eq!(report.refused, 0);
        let fixture = (ROSTER.lines().count() - 1) as i64;
        let accounts: Vec<(String, String)> = sqlx::query_as(
            "SELECT student_no, id_number FROM students ORDER BY id LIMIT -1 OFFSET $1",
        )
        .bind(fixture)
        .fetch_all(&self.state.pool)
        .await
        .expect("accounts");
        accounts
            .into_iter()
            .map(|(no, id)| (no, id[id.len() - 6..].to_string()))
            .collect()
    }
}
