//! The verification form: grey 学籍 fields, editable fields with red "differs from 校库" marks,
//! and the buttons of REQUIREMENTS §4. Every rule shown here is the server's rule.
//!
//! Nothing typed is lost: every change is kept in this browser at once (`crate::offline`),
//! 保存草稿 and 提交核验 wait in a queue while there is no network and are sent (each with its own
//! id, so once) when it returns, also after a reload; a server copy that changed meanwhile is
//! shown field by field for the student to choose.

use crate::api::student::{
    StartVerification, StudentInfo, WithdrawVerification, my_info, save_verification,
};
use crate::components::{FieldControl, SchoolFieldList, StatusBadge};
use crate::domain::FieldErrors;
use crate::domain::form::{FIELDS, StudentContext, display_value};
use crate::domain::status::Status;
use crate::error::AppError;
use crate::offline::{self, LocalDraft, Pending, Report};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// What the student sees after an action: good news or a problem.
#[derive(Clone, PartialEq)]
enum Notice {
    Ok(String),
    Problem(String),
}

/// The server's copy moved while the student typed: its new state and how the draft meets it.
#[derive(Clone, PartialEq)]
struct Conflict {
    now: StudentInfo,
    report: Report,
}

/// Seconds before the `n`th retry of a send the network lost: 2, 4, 8, 16, 32, then every 60.
fn backoff_secs(n: u32) -> u64 {
    (1u64 << n.clamp(1, 6)).min(60)
}

#[component]
pub fn VerificationPanel(initial: StudentInfo) -> impl IntoView {
    let ctx = StudentContext {
        level: initial.record.level,
    };
    let key = StoredValue::new(offline::draft_key(&initial.record.student_no));
    let form = RwSignal::new(offline::server_values(&initial).clone());
    // The server's state the form is typed against (while a conflict is open: the old one).
    let info = RwSignal::new(initial);
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let submit_tried = RwSignal::new(false);
    let server_errors = RwSignal::new(FieldErrors::new());
    let notice = RwSignal::new(None::<Notice>);
    let pending = RwSignal::new(None::<Pending>);
    let in_flight = RwSignal::new(false);
    let online = RwSignal::new(true);
    let sync_line = RwSignal::new(None::<String>);
    let conflict = RwSignal::new(None::<Conflict>);
    let keep_mine = RwSignal::new(BTreeMap::<&'static str, bool>::new());
    let retry_tick = RwSignal::new(0u32);
    let failures = StoredValue::new(0u32);

    let full_errors = Memo::new(move |_| form.with(|f| f.parse(&ctx).err().unwrap_or_default()));
    let draft_errors =
        Memo::new(move |_| form.with(|f| f.parse_draft(&ctx).err().unwrap_or_default()));
    let field_error = move |name: &'static str| -> Option<String> {
        if let Some(message) = server_errors.with(|e| e.get(name).map(str::to_string)) {
            return Some(message);
        }
        if submit_tried.get() || touched.with(|t| t.contains(name)) {
            full_errors.with(|e| e.get(name).map(str::to_string))
        } else {
            None
        }
    };

    let status = Signal::derive(move || info.with(|i| i.status()));
    let started = move || info.with(|i| i.verification.is_some());
    // A memo: the inputs are rebuilt only when editing opens or closes, not on every server
    // answer (a rebuilt input would lose the student's focus mid-word).
    let editable = Memo::new(move |_| started() && status.get().student_may_edit());

    let start = ServerAction::<StartVerification>::new();
    let withdraw = ServerAction::<WithdrawVerification>::new();
    let busy = move || {
        start.pending().get()
            || withdraw.pending().get()
            || in_flight.get()
            || conflict.with(Option::is_some)
    };

    // Keeps the form in this browser; forgets it once the server holds exactly this.
    let persist = move || {
        let values = form.get_untracked();
        let base = info.get_untracked();
        let queued = pending.get_untracked();
        let k = key.get_value();
        if queued.is_none()
            && conflict.with_untracked(Option::is_none)
            && &values == offline::server_values(&base)
        {
            offline::remove(&k);
            return;
        }
        let at = offline::clock();
        let draft = LocalDraft {
            values,
            base,
            saved_at: at.clone(),
            pending: queued,
        };
        sync_line.set(Some(if offline::store(&k, &draft) {
            format!("草稿已保存在本机 {at}")
        } else {
            "浏览器不允许本机保存（存储已满或被禁用），请联网后尽快保存".to_string()
        }));
    };

    let open_conflict = move |now: StudentInfo| {
        let report =
            info.with_untracked(|base| form.with_untracked(|f| Report::new(base, &now, f)));
        keep_mine.set(BTreeMap::new());
        conflict.set(Some(Conflict { now, report }));
        persist();
        notice.set(Some(Notice::Problem(
            "服务器上的信息在你填写期间有了变化：请在下面逐项确认，确认前不会覆盖任何一方"
                .to_string(),
        )));
    };

    // Counts a failed send and asks for another after the back-off; returns the seconds.
    let schedule_retry = move || {
        failures.update_value(|n| *n += 1);
        let secs = backoff_secs(failures.get_value());
        set_timeout(
            move || {
                let _ = retry_tick.try_update(|t| *t += 1);
            },
            Duration::from_secs(secs),
        );
        secs
    };

    let settle = move |sent: Pending, result: Result<StudentInfo, AppError>| {
        if form.is_disposed() {
            // The student left the page meanwhile: the queue in the browser is sent (once, by
            // its id) when the page opens again.
            return;
        }
        match result {
            Ok(new_info) => {
                failures.set_value(0);
                pending.set(None);
                let typed_since = form.with_untracked(|f| f != &sent.values);
                if !typed_since && let Some(v) = &new_info.verification {
                    form.set(v.values.clone());
                }
                info.set(new_info);
                server_errors.set(FieldErrors::new());
                persist();
                offline::refresh_saved_pages();
                if !typed_since {
                    sync_line.set(Some(format!("已同步到服务器 {}", offline::clock())));
                }
                notice.set(Some(match (sent.intent.as_str(), typed_since) {
                    ("submit", true) => Notice::Problem(
                        "已提交核验；提交之后的改动保存在本机、未提交，如需提交请先提交撤回"
                            .to_string(),
                    ),
                    ("submit", false) => Notice::Ok("已提交核验，请等待学院审核".to_string()),
                    _ => Notice::Ok("草稿已保存到服务器".to_string()),
                }));
            }
            Err(AppError::Validation(errors)) => {
                pending.set(None);
                server_errors.set(errors);
                persist();
                notice.set(Some(Notice::Problem(format!(
                    "{}未成功：请按提示修正标红的字段（填写的内容仍保存在本机）",
                    sent.label()
                ))));
            }
            Err(AppError::Conflict(_)) => spawn_local(async move {
                let now = my_info().await;
                if form.is_disposed() {
                    return;
                }
                match now {
                    Ok(now) => open_conflict(now),
                    Err(e) => {
                        // Tried again later: the save is resent and answers Conflict again.
                        let secs = schedule_retry();
                        notice.set(Some(Notice::Problem(format!(
                            "服务器上的信息有了变化，但暂时无法取回（{e}）；填写的内容保存在本机，{secs} 秒后再试"
                        ))));
                    }
                }
            }),
            Err(e) if e.is_transport() => {
                let secs = schedule_retry();
                notice.set(Some(Notice::Problem(format!(
                    "网络不通：{}已保存在本机，{secs} 秒后自动重试（联网后也会立即发送）",
                    sent.label()
                ))));
            }
            Err(AppError::Unauthenticated) => {
                notice.set(Some(Notice::Problem(format!(
                    "登录已失效：请重新登录。{}保存在本机，登录后回到本页会自动发送",
                    sent.label()
                ))));
            }
            Err(e) => {
                pending.set(None);
                persist();
                notice.set(Some(Notice::Problem(format!(
                    "{}未成功：{e}。填写的内容仍保存在本机",
                    sent.label()
                ))));
            }
        }
    };

    // Sends the queued save when there is a network and nothing else is under way.
    let flush = move || {
        if in_flight.get_untracked() || conflict.with_untracked(Option::is_some) {
            return;
        }
        let Some(queued) = pending.get_untracked() else {
            return;
        };
        if !offline::is_online() {
            online.set(false);
            return;
        }
        in_flight.set(true);
        let (version, record_version) = info.with_untracked(|i| (i.version(), i.record.version));
        spawn_local(async move {
            let f = queued.values.clone();
            let result = save_verification(
                queued.intent.clone(),
                f.origin_code,
                f.training_mode,
                f.sponsor_unit,
                f.normal_category,
                f.urban_rural,
                f.ethnicity,
                f.political,
                f.hardship,
                f.mobile,
                f.email,
                f.qq,
                f.home_address,
                f.home_phone,
                f.postcode,
                version,
                queued.id.clone(),
                record_version,
            )
            .await;
            let _ = in_flight.try_set(false);
            settle(queued, result);
        });
    };

    // After hydration, once: the draft this browser kept comes back (a server copy that moved
    // since is a conflict to settle), and its queued save goes out.
    Effect::new(move |_| {
        online.set(offline::is_online());
        // The worker keeps this page as it is now, for a start without a network.
        offline::refresh_saved_pages();
        let served = info.get_untracked();
        if let Some(draft) = offline::load::<LocalDraft>(&key.get_value()) {
            let moved = offline::server_moved(&draft.base, &served);
            // The draft's own base: an older page (saved for offline use) or a newer server copy
            // (then `moved`, and the conflict below) never replaces what it was typed against.
            info.set(draft.base.clone());
            form.set(draft.values.clone());
            pending.set(draft.pending.clone());
            if moved {
                open_conflict(served);
            } else {
                sync_line.set(Some(format!("草稿已保存在本机 {}", draft.saved_at)));
                notice.set(Some(Notice::Ok(match &draft.pending {
                    Some(p) => format!("已恢复本机保存的草稿；待发送：{}", p.label()),
                    None => format!(
                        "已恢复本机保存的草稿（{}），尚未保存到服务器",
                        draft.saved_at
                    ),
                })));
            }
        } else if let Some(at) = served
            .verification
            .as_ref()
            .and_then(|v| v.saved_at.clone())
        {
            sync_line.set(Some(format!(
                "已同步到服务器 {}",
                crate::components::beijing_time(&at, "%m-%d %H:%M")
            )));
        }
        retry_tick.update(|t| *t += 1);
    });
    Effect::new(move |_| {
        retry_tick.track();
        if online.get() {
            flush();
        }
    });
    let on_line = window_event_listener(leptos::ev::online, move |_| {
        failures.set_value(0);
        let _ = online.try_set(true);
    });
    let off_line = window_event_listener(leptos::ev::offline, move |_| {
        let _ = online.try_set(false);
    });
    on_cleanup(move || {
        on_line.remove();
        off_line.remove();
    });

    let handle = move |result: Result<StudentInfo, AppError>, done: &str| match result {
        Ok(new_info) => {
            // Edits not yet saved (e.g. made while 审核不通过) stay; otherwise the server's copy.
            let unsaved = info
                .with_untracked(|old| form.with_untracked(|f| f != offline::server_values(old)));
            if !unsaved || info.with_untracked(|old| old.verification.is_none()) {
                form.set(offline::server_values(&new_info).clone());
            }
            info.set(new_info);
            server_errors.set(FieldErrors::new());
            persist();
            offline::refresh_saved_pages();
            notice.set(Some(Notice::Ok(done.to_string())));
        }
        Err(e) if e.is_transport() => {
            notice.set(Some(Notice::Problem(
                "网络连接异常：这一步需要联网，请联网后再点一次".to_string(),
            )));
        }
        Err(AppError::Conflict(_)) => spawn_local(async move {
            if let Ok(now) = my_info().await
                && !form.is_disposed()
            {
                open_conflict(now);
            }
        }),
        Err(e) => notice.set(Some(Notice::Problem(e.to_string()))),
    };
    Effect::new(move |_| {
        if let Some(result) = start.value().get() {
            handle(result, "已开始核验：请核对并完善下面的信息");
        }
    });
    Effect::new(move |_| {
        if let Some(result) = withdraw.value().get() {
            handle(result, "已撤回提交，可以继续修改");
        }
    });

    let send = move |intent: &'static str| {
        let queued = Pending {
            intent: intent.to_string(),
            id: new_submission_id(),
            values: form.get_untracked(),
        };
        let label = queued.label();
        pending.set(Some(queued));
        failures.set_value(0);
        persist();
        if offline::is_online() {
            flush();
        } else {
            online.set(false);
            notice.set(Some(Notice::Ok(format!(
                "当前离线：{label}已保存在本机并排队，联网后自动发送"
            ))));
        }
    };
    let on_save = move |_| {
        if draft_errors.with(|e| e.is_empty()) {
            send("draft");
        } else {
            touched.update(|t| {
                t.extend(draft_errors.with(|e| {
                    e.iter()
                        .filter_map(|x| field_name(&x.field))
                        .collect::<Vec<_>>()
                }))
            });
            notice.set(Some(Notice::Problem(
                "请先修正标红的字段再保存".to_string(),
            )));
        }
    };
    let on_submit = move |_| {
        submit_tried.set(true);
        if full_errors.with(|e| e.is_empty()) {
            send("submit");
        } else {
            notice.set(Some(Notice::Problem(format!(
                "还有 {} 处需要修正，请按提示修改后再提交",
                full_errors.with(|e| e.len())
            ))));
        }
    };
    let resolve = move |_| {
        let Some(c) = conflict.get_untracked() else {
            return;
        };
        let choices = keep_mine.get_untracked();
        if c.report
            .fields
            .iter()
            .any(|f| !choices.contains_key(f.name))
        {
            notice.set(Some(Notice::Problem(
                "请为每一项选择保留服务器上的还是本机草稿".to_string(),
            )));
            return;
        }
        let merged = info.with_untracked(|base| {
            form.with_untracked(|f| {
                c.report
                    .merge(base, &c.now, f, |name| choices.get(name) == Some(&true))
            })
        });
        // The waiting save was refused (Conflict), so its id was not applied: it takes the merge.
        pending.update(|p| {
            if let Some(p) = p {
                p.values = merged.clone();
            }
        });
        form.set(merged);
        info.set(c.now);
        conflict.set(None);
        server_errors.set(FieldErrors::new());
        persist();
        notice.set(Some(Notice::Ok(match pending.get_untracked() {
            Some(p) => format!("已按你的选择合并，正在发送：{}", p.label()),
            None => "已按你的选择合并（保存在本机），请保存草稿或提交核验".to_string(),
        })));
        retry_tick.update(|t| *t += 1);
    };

    let set_field = move |name: &'static str, value: String| {
        form.update(|f| f.set(name, value));
        server_errors.update(|e| e.0.retain(|x| x.field != name));
        // A save still waiting sends what the student sees now (under a new id); one already
        // on its way is answered first, and the newer edit stays in the draft.
        if !in_flight.get_untracked()
            && let Some(p) = pending.get_untracked()
        {
            pending.set(Some(p.revise(form.get_untracked(), new_submission_id())));
        }
        persist();
    };
    let blur = move |name: &'static str| {
        touched.update(|t| {
            t.insert(name);
        })
    };

    let field_row = move |name: &'static str, label: &'static str| {
        // 校库's value follows `info`: a college's correction shows once the student takes it.
        let school_display = move || {
            info.with(|i| {
                let r = &i.record;
                let shown = if name == "origin_code" && !r.origin_name.is_empty() {
                    r.origin_name.clone()
                } else {
                    display_value(name, r.values.get(name))
                };
                if shown.is_empty() {
                    "（空）".to_string()
                } else {
                    shown
                }
            })
        };
        let differs =
            move || info.with(|i| form.with(|f| f.get(name) != i.record.values.get(name)));
        let error = move || field_error(name);
        let input_id = name;
        // Owned by the row, so they outlive the input they feed when it is rebuilt.
        let value = Signal::derive(move || form.with(|f| f.get(name).to_string()));
        let invalid = Signal::derive(move || error().is_some());
        let control = move || {
            if !editable.get() {
                let text = if name == "origin_code" {
                    info.with(|i| match &i.verification {
                        Some(v) if !v.origin_name.is_empty() => v.origin_name.clone(),
                        Some(v) => v.values.origin_code.clone(),
                        None if !i.record.origin_name.is_empty() => i.record.origin_name.clone(),
                        None => i.record.values.origin_code.clone(),
                    })
                } else {
                    form.with(|f| display_value(name, f.get(name)))
                };
                return view! { <span class="value" id=input_id>{text}</span> }.into_any();
            }
            let origin_path = info.with_untracked(|i| {
                i.verification
                    .as_ref()
                    .map(|v| v.origin_path.clone())
                    .unwrap_or_default()
            });
            view! {
                <FieldControl
                    name=name
                    value=value
                    invalid=invalid
                    on_input=Callback::new(move |value: String| set_field(name, value))
                    on_blur=Callback::new(move |_| blur(name))
                    origin_path=origin_path
                />
            }
            .into_any()
        };
        let hint = match name {
            "sponsor_unit" => Some("定向、委培时填写"),
            "home_phone" => Some("选填"),
            "origin_code" => Some("须选到县（区）一级：毕业后接收档案和户口的地方"),
            _ => None,
        };
        view! {
            <div class="field" class:has-error=move || error().is_some() class:differs=differs>
                <label for=input_id>
                    {label}
                    <Show when=differs>
                        <span class="diff-mark" title=move || format!("校库：{}", school_display()) aria-label="与校库不同">
                            "!"
                        </span>
                    </Show>
                </label>
                {control}
                {hint.map(|h| view! { <small class="hint">{h}</small> })}
                <Show when=differs>
                    <small class="school-value">{move || format!("校库：{}", school_display())}</small>
                </Show>
                {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </div>
        }
    };

    view! {
        <Show when=move || !online.get()>
            <p class="offline-banner" role="status" data-testid="offline">
                "当前离线：填写的内容保存在本机，联网后自动发送"
            </p>
        </Show>
        <ConflictCard conflict keep_mine pending resolve=Callback::new(resolve) />
        <section class="card status-card">
            <p class="status-line">
                "核验状态：" <StatusBadge status=status />
                {move || {
                    info.with(|i| {
                        i.verification
                            .as_ref()
                            .and_then(|v| v.submitted_at.clone().filter(|_| v.status == Status::Submitted))
                            .map(|at| view! { <span class="hint">{format!(" 提交于 {}", crate::components::beijing_time(&at, "%Y-%m-%d %H:%M"))}</span> })
                    })
                }}
            </p>
            {move || {
                info.with(|i| {
                    i.verification
                        .as_ref()
                        .filter(|v| v.status == Status::Rejected)
                        .map(|v| {
                            view! {
                                <p class="reject-reason" role="status">
                                    "审核不通过原因：" {v.reject_reason.clone().unwrap_or_else(|| "未填写".to_string())}
                                </p>
                            }
                        })
                })
            }}
            {move || {
                (status.get() == Status::Approved)
                    .then(|| view! { <p class="ok">"学院已审核通过，生源核验已完成。"</p> })
            }}
            <p class="sync-line" data-testid="sync">{move || sync_line.get()}</p>
            {move || {
                pending
                    .get()
                    .map(|p| {
                        let when = if online.get() { "正在发送" } else { "联网后自动发送" };
                        view! { <p class="pending" data-testid="pending">{format!("待发送：{}（{when}）", p.label())}</p> }
                    })
            }}
            {move || {
                notice
                    .get()
                    .map(|n| match n {
                        Notice::Ok(m) => view! { <p class="notice ok" role="status">{m}</p> }.into_any(),
                        Notice::Problem(m) => view! { <p class="notice error" role="alert">{m}</p> }.into_any(),
                    })
            }}
        </section>

        <section class="card">
            <h2>"学籍信息"</h2>
            <p class="hint">"以下信息由学校提供，如有错误请联系学院辅导员修改。"</p>
            <SchoolFieldList fields=Signal::derive(move || info.with(|i| i.record.school_fields.clone())) />
        </section>

        <section class="card">
            <h2>"核验信息"</h2>
            <p class="hint">
                <span class="diff-mark">"!"</span>
                "表示与校库不同。不同不是错误：如你的信息属实，可以直接提交。"
            </p>
            <div class="fields">{FIELDS.iter().map(|(name, label)| field_row(name, label)).collect_view()}</div>
        </section>

        <div class="actions">
            <Show when=move || !started()>
                <button
                    class="primary"
                    disabled=busy
                    on:click=move |_| {
                        if offline::is_online() {
                            start.dispatch(StartVerification {});
                        } else {
                            notice.set(Some(Notice::Problem("当前离线：开始核验需要联网".to_string())));
                        }
                    }
                >
                    "开始核验"
                </button>
            </Show>
            <Show when=move || editable.get()>
                <button disabled=busy on:click=on_save>
                    "保存草稿"
                </button>
                <button class="primary" disabled=busy on:click=on_submit>
                    "提交核验"
                </button>
            </Show>
            <Show when=move || matches!(status.get(), Status::Submitted | Status::Rejected) && started()>
                <button
                    disabled=move || busy() || pending.with(Option::is_some)
                    on:click=move |_| {
                        let version = info.with_untracked(StudentInfo::version);
                        withdraw.dispatch(WithdrawVerification { version });
                    }
                >
                    "提交撤回"
                </button>
            </Show>
        </div>
    }
}

/// The static field name for an error's field (errors carry owned names).
fn field_name(field: &str) -> Option<&'static str> {
    FIELDS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(name, _)| *name)
}

/// A random id for one submit, so that a repeated send is applied once.
fn new_submission_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        let mut bytes = [0u8; 16];
        if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
            let _ = crypto.get_random_values_with_u8_array(&mut bytes);
        }
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// The server's copy and the draft side by side: what the college changed (学籍, status), what
/// was taken from the server, and a choice for each input both sides changed.
#[component]
fn ConflictCard(
    conflict: RwSignal<Option<Conflict>>,
    keep_mine: RwSignal<BTreeMap<&'static str, bool>>,
    pending: RwSignal<Option<Pending>>,
    resolve: Callback<()>,
) -> impl IntoView {
    move || {
        conflict.get().map(|c| {
            let report = c.report;
            let status = report.status.map(|(was, is)| {
                view! { <p class="conflict-status">{format!("核验状态：{} → {}", was.label(), is.label())}</p> }
            });
            let record = (!report.record.is_empty()).then(|| {
                let rows = report
                    .record
                    .iter()
                    .map(|(label, was, is)| view! { <tr><th>{label.clone()}</th><td>{was.clone()}</td><td>{is.clone()}</td></tr> })
                    .collect_view();
                view! {
                    <h3>"学院修改了学籍信息（以学院为准）"</h3>
                    <table class="conflict-table"><thead><tr><th>"项目"</th><th>"原来"</th><th>"现在"</th></tr></thead><tbody>{rows}</tbody></table>
                }
            });
            let taken = (!report.taken.is_empty()).then(|| {
                let rows = report
                    .taken
                    .iter()
                    .map(|(label, was, is)| view! { <tr><th>{*label}</th><td>{was.clone()}</td><td>{is.clone()}</td></tr> })
                    .collect_view();
                view! {
                    <h3>"服务器上更新、你没有改过的项（采用服务器上的值）"</h3>
                    <table class="conflict-table"><thead><tr><th>"项目"</th><th>"原来"</th><th>"现在"</th></tr></thead><tbody>{rows}</tbody></table>
                }
            });
            let choices = (!report.fields.is_empty()).then(|| {
                let rows = report
                    .fields
                    .iter()
                    .map(|f| {
                        let name = f.name;
                        let group = format!("keep-{name}");
                        let pick = move |mine: bool| {
                            keep_mine.update(|m| {
                                m.insert(name, mine);
                            })
                        };
                        view! {
                            <fieldset class="conflict-choice" data-field=name>
                                <legend>{f.label}</legend>
                                <label>
                                    <input type="radio" name=group.clone() on:change=move |_| pick(false) />
                                    "服务器上的：" <strong>{report.shown_server(f)}</strong>
                                </label>
                                <label>
                                    <input type="radio" name=group on:change=move |_| pick(true) />
                                    "本机草稿：" <strong>{report.shown_mine(f)}</strong>
                                </label>
                            </fieldset>
                        }
                    })
                    .collect_view();
                view! {
                    <h3>"两边都改过的项：请选择保留哪一个"</h3>
                    {rows}
                }
            });
            let button = if pending.with_untracked(Option::is_some) { "确认并继续发送" } else { "确认" };
            view! {
                <section class="card conflict" data-testid="conflict" role="alert">
                    <h2>"服务器上的信息有了变化"</h2>
                    <p class="hint">
                        "你在本机填写期间，服务器上的信息被修改了（学院老师修改，或在另一台设备上保存）。确认之前，哪一方都不会被覆盖。"
                    </p>
                    {status}
                    {record}
                    {taken}
                    {choices}
                    <button class="primary" on:click=move |_| resolve.run(())>{button}</button>
                </section>
            }
        })
    }
}
