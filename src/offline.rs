//! What the browser keeps for a student so nothing typed is lost: the draft of 生源信息 (and the
//! survey's answers) in `localStorage`, keyed by 学号, with the save waiting for a network; the
//! comparison of that draft with a server copy that moved meanwhile; the service worker.
//!
//! The comparison is plain Rust, tested with `cargo test`; the storage calls exist only in the
//! browser build and do nothing on the server.

use crate::api::student::StudentInfo;
use crate::domain::form::{FIELDS, VerificationInput, display_value};
use crate::domain::status::Status;
use serde::{Deserialize, Serialize};

/// Every key this app writes starts with this; 退出 removes them all.
const PREFIX: &str = "shengyuan:";

pub fn draft_key(student_no: &str) -> String {
    format!("{PREFIX}draft:{student_no}")
}

pub fn survey_key(student_no: &str) -> String {
    format!("{PREFIX}survey:{student_no}")
}

/// A 保存草稿 or 提交核验 that has not reached the server yet. The id is sent with it, so a
/// resend after a lost answer or a reload is applied once; the values are what that id stands
/// for (an edit made while it waits gives it the new values and a new id, see `revise`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// `draft` or `submit`.
    pub intent: String,
    pub id: String,
    pub values: VerificationInput,
}

impl Pending {
    /// The waiting save after the student changed the form: the new values under a new id, as
    /// the old id may already have been applied (its answer lost) with the old values.
    pub fn revise(&self, values: VerificationInput, id: String) -> Pending {
        Pending {
            intent: self.intent.clone(),
            id,
            values,
        }
    }

    pub fn label(&self) -> &'static str {
        if self.intent == "submit" {
            "提交核验"
        } else {
            "保存草稿"
        }
    }
}

/// The browser's copy of the form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalDraft {
    pub values: VerificationInput,
    /// The server's state the draft was typed against.
    pub base: StudentInfo,
    /// Local time of the last keystroke saved, `HH:MM`.
    pub saved_at: String,
    pub pending: Option<Pending>,
}

/// The values the server holds for the form: the student's copy once started, else 校库.
pub fn server_values(info: &StudentInfo) -> &VerificationInput {
    info.verification
        .as_ref()
        .map(|v| &v.values)
        .unwrap_or(&info.record.values)
}

fn versions(info: &StudentInfo) -> (i64, i64) {
    (
        info.verification.as_ref().map_or(-1, |v| v.version),
        info.record.version,
    )
}

/// Whether `now` is a later server state than `base` (another device saved, the status moved,
/// the college edited the school record). An older `now` (a page saved for offline use before
/// the draft's last save) is not.
pub fn server_moved(base: &StudentInfo, now: &StudentInfo) -> bool {
    let (bv, br) = versions(base);
    let (nv, nr) = versions(now);
    nv > bv || nr > br
}

/// One input where the server and the draft both changed it, differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldConflict {
    pub name: &'static str,
    pub label: &'static str,
    pub server: String,
    pub mine: String,
}

/// What changed on the server since the draft was started, and how the draft meets it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Report {
    /// (before, now) when the status moved.
    pub status: Option<(Status, Status)>,
    /// 学籍 fields the college changed: (label, before, now).
    pub record: Vec<(String, String, String)>,
    /// Inputs changed on the server that the student had not touched: the server's value is
    /// taken, and listed so the student sees it. (label, before, now)
    pub taken: Vec<(&'static str, String, String)>,
    /// Inputs both sides changed: the student chooses.
    pub fields: Vec<FieldConflict>,
}

impl Report {
    /// A field's shown value.
    fn shown(name: &str, value: &str) -> String {
        if value.is_empty() {
            "（空）".to_string()
        } else {
            display_value(name, value)
        }
    }

    /// Compares the server's state when the draft began (`base`), its state `now`, and the draft.
    pub fn new(base: &StudentInfo, now: &StudentInfo, draft: &VerificationInput) -> Report {
        let (before, after) = (server_values(base), server_values(now));
        let mut report = Report {
            status: (base.status() != now.status()).then(|| (base.status(), now.status())),
            ..Report::default()
        };
        for (label, new) in &now.record.school_fields {
            let old = base
                .record
                .school_fields
                .iter()
                .find(|(l, _)| l == label)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            if &old != new {
                report.record.push((label.clone(), old, new.clone()));
            }
        }
        for (name, label) in FIELDS {
            let (was, is, mine) = (before.get(name), after.get(name), draft.get(name));
            if was == is || mine == is {
                continue;
            }
            if mine == was {
                report
                    .taken
                    .push((label, Self::shown(name, was), Self::shown(name, is)));
            } else {
                report.fields.push(FieldConflict {
                    name,
                    label,
                    server: is.to_string(),
                    mine: mine.to_string(),
                });
            }
        }
        report
    }

    pub fn shown_server(&self, c: &FieldConflict) -> String {
        Self::shown(c.name, &c.server)
    }

    pub fn shown_mine(&self, c: &FieldConflict) -> String {
        Self::shown(c.name, &c.mine)
    }

    /// The form after the student's choices (`keep_mine(name)`): each conflicting input as
    /// chosen, the ones only the server changed from the server, the rest from the draft.
    pub fn merge(
        &self,
        base: &StudentInfo,
        now: &StudentInfo,
        draft: &VerificationInput,
        keep_mine: impl Fn(&str) -> bool,
    ) -> VerificationInput {
        let (before, after) = (server_values(base), server_values(now));
        let mut merged = draft.clone();
        for (name, _) in FIELDS {
            let value = if self.fields.iter().any(|c| c.name == *name) {
                if keep_mine(name) {
                    draft.get(name)
                } else {
                    after.get(name)
                }
            } else if draft.get(name) == before.get(name) {
                after.get(name)
            } else {
                draft.get(name)
            };
            merged.set(name, value.to_string());
        }
        merged
    }
}

/// Local time `HH:MM`, as the student's clock shows it.
pub fn clock() -> String {
    chrono::Local::now().format("%H:%M").to_string()
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use serde::de::DeserializeOwned;

    /// Set before 退出 (in this tab's session storage) so the login page can say what was removed.
    const CLEARED_KEY: &str = "shengyuan-cleared";

    fn local() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
        let text = local()?.get_item(key).ok().flatten()?;
        serde_json::from_str(&text).ok()
    }

    pub fn store<T: Serialize>(key: &str, value: &T) -> bool {
        let (Some(storage), Ok(text)) = (local(), serde_json::to_string(value)) else {
            return false;
        };
        storage.set_item(key, &text).is_ok()
    }

    pub fn remove(key: &str) {
        if let Some(storage) = local() {
            let _ = storage.remove_item(key);
        }
    }

    pub fn forget_all() -> usize {
        let Some(storage) = local() else { return 0 };
        let n = storage.length().unwrap_or(0);
        let keys: Vec<String> = (0..n)
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|k| k.starts_with(PREFIX))
            .collect();
        for key in &keys {
            let _ = storage.remove_item(key);
        }
        tell_worker("forget-pages");
        if let Some(session) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
            let _ = session.set_item(CLEARED_KEY, &keys.len().to_string());
        }
        keys.len()
    }

    fn tell_worker(message: &str) {
        if let Some(nav) = web_sys::window().map(|w| w.navigator())
            && let Some(worker) = nav.service_worker().controller()
        {
            let _ = worker.post_message(&wasm_bindgen::JsValue::from_str(message));
        }
    }

    pub fn refresh_saved_pages() {
        tell_worker("keep-pages");
    }

    pub fn confirm_forget() -> bool {
        let Some(storage) = local() else { return true };
        let n = storage.length().unwrap_or(0);
        let waiting = (0..n)
            .filter_map(|i| storage.key(i).ok().flatten())
            .filter(|k| k.starts_with(&format!("{PREFIX}draft:")))
            .filter_map(|k| load::<LocalDraft>(&k))
            .any(|d| d.pending.is_some());
        !waiting
            || web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(
                        "还有内容没有发送到服务器（联网后才会发送）。退出会删除本机保存的草稿，确定退出吗？",
                    )
                    .ok()
                })
                .unwrap_or(true)
    }

    pub fn take_cleared() -> Option<usize> {
        let session = web_sys::window()?.session_storage().ok().flatten()?;
        let text = session.get_item(CLEARED_KEY).ok().flatten()?;
        let _ = session.remove_item(CLEARED_KEY);
        text.parse().ok()
    }

    pub fn is_online() -> bool {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }

    pub fn register_service_worker() {
        if let Some(window) = web_sys::window() {
            let container = window.navigator().service_worker();
            // A browser without workers (or in a private mode that refuses them) still works
            // online; the rejection is answered so it is not reported as an error.
            let promise = container.register("/sw.js");
            let ignore = wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(
                |_: wasm_bindgen::JsValue| {},
            );
            let _ = promise.catch(&ignore);
            ignore.forget();
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn load<T>(_key: &str) -> Option<T> {
        None
    }
    pub fn store<T>(_key: &str, _value: &T) -> bool {
        false
    }
    pub fn remove(_key: &str) {}
    pub fn forget_all() -> usize {
        0
    }
    pub fn take_cleared() -> Option<usize> {
        None
    }
    pub fn refresh_saved_pages() {}
    pub fn confirm_forget() -> bool {
        true
    }
    pub fn is_online() -> bool {
        true
    }
    pub fn register_service_worker() {}
}

/// Before 退出: true unless a save is still waiting and the student chooses to stay.
pub use browser::confirm_forget;
/// Removes everything this app stored in the browser (drafts, survey answers), asks the worker to
/// forget its saved pages, and leaves a note for the login page; returns how many were removed.
pub use browser::forget_all;
/// `navigator.onLine`.
pub use browser::is_online;
/// A stored value (`None` on the server, or when absent or unreadable).
pub use browser::load;
/// Asks the service worker to save the student's pages again as the server now has them.
pub use browser::refresh_saved_pages;
/// Registers `/sw.js`.
pub use browser::register_service_worker;
/// Removes one stored value.
pub use browser::remove;
/// Stores a value; false when the browser refuses (storage full or disabled).
pub use browser::store;
/// The note `forget_all` left, once.
pub use browser::take_cleared;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::student::{RecordView, VerificationView};
    use crate::domain::codes::EducationLevel;

    fn info(
        version: i64,
        record_version: i64,
        status: Status,
        mobile: &str,
        qq: &str,
    ) -> StudentInfo {
        let values = VerificationInput {
            mobile: mobile.to_string(),
            qq: qq.to_string(),
            ..VerificationInput::default()
        };
        StudentInfo {
            record: RecordView {
                student_no: "2019010001".into(),
                exam_no: String::new(),
                name: "张三".into(),
                gender: "男".into(),
                id_number: String::new(),
                college: "数学学院".into(),
                major: "数学".into(),
                major_code: String::new(),
                major_direction: String::new(),
                class_name: "1班".into(),
                level: EducationLevel::Bachelor,
                study_years: "4".into(),
                enrolled_on: String::new(),
                graduating_on: String::new(),
                version: record_version,
                values: VerificationInput::default(),
                origin_name: String::new(),
                school_fields: vec![("班级".into(), "1班".into())],
            },
            verification: Some(VerificationView {
                status,
                values,
                origin_path: vec![],
                origin_name: String::new(),
                reject_reason: None,
                version,
                saved_at: None,
                submitted_at: None,
            }),
        }
    }

    #[test]
    fn only_a_later_server_state_counts_as_moved() {
        let base = info(3, 1, Status::Unverified, "13800000000", "");
        assert!(!server_moved(&base, &base));
        assert!(server_moved(
            &base,
            &info(4, 1, Status::Unverified, "13800000000", "")
        ));
        assert!(server_moved(
            &base,
            &info(3, 2, Status::Unverified, "13800000000", "")
        ));
        // A page saved for offline use before the draft's last save is older, not a change.
        assert!(!server_moved(
            &base,
            &info(2, 1, Status::Unverified, "", "")
        ));
    }

    #[test]
    fn both_sides_changed_is_a_choice_one_side_is_taken() {
        let base = info(3, 1, Status::Unverified, "13800000000", "10001");
        let now = info(4, 1, Status::Unverified, "13900000000", "20002");
        // The student changed the mobile (differently) but not the QQ.
        let mut draft = server_values(&base).clone();
        draft.mobile = "13700000000".into();
        draft.email = "a@b.cn".into();
        let report = Report::new(&base, &now, &draft);
        assert_eq!(report.status, None);
        assert_eq!(report.fields.len(), 1);
        assert_eq!(report.fields[0].name, "mobile");
        assert_eq!(report.fields[0].server, "13900000000");
        assert_eq!(report.fields[0].mine, "13700000000");
        assert_eq!(
            report.taken,
            vec![("QQ号码", "10001".to_string(), "20002".to_string())]
        );

        let mine = report.merge(&base, &now, &draft, |_| true);
        assert_eq!(mine.mobile, "13700000000");
        assert_eq!(mine.qq, "20002", "untouched input follows the server");
        assert_eq!(mine.email, "a@b.cn", "the student's own edit stays");
        let theirs = report.merge(&base, &now, &draft, |_| false);
        assert_eq!(theirs.mobile, "13900000000");
        assert_eq!(theirs.email, "a@b.cn");
    }

    #[test]
    fn status_and_school_record_changes_are_reported() {
        let base = info(3, 1, Status::Unverified, "13800000000", "");
        let mut now = info(4, 2, Status::Submitted, "13800000000", "");
        now.record.school_fields = vec![("班级".into(), "2班".into())];
        let report = Report::new(&base, &now, server_values(&base));
        assert_eq!(report.status, Some((Status::Unverified, Status::Submitted)));
        assert_eq!(
            report.record,
            vec![("班级".to_string(), "1班".to_string(), "2班".to_string())]
        );
        assert!(report.fields.is_empty() && report.taken.is_empty());
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let base = info(3, 1, Status::Unverified, "13800000000", "");
        let now = info(4, 1, Status::Unverified, "13900000000", "");
        let mut draft = server_values(&base).clone();
        draft.mobile = "13900000000".into();
        let report = Report::new(&base, &now, &draft);
        assert!(report.fields.is_empty() && report.taken.is_empty());
    }
}
