use super::current_filter;
use crate::api::records::UpdateRecord;
use crate::api::review::{
    Approve, CopyToSchool, Reject, StudentReview, review_detail, review_next,
};
use crate::components::{RecordFields, SchoolFieldList, StatusBadge, TopBar};
use crate::domain::FieldErrors;
use crate::domain::review::REJECT_REASONS;
use crate::domain::status::Status;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

#[component]
pub fn ReviewDetailPage() -> impl IntoView {
    let params = use_params_map();
    let student_id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0))
    });
    let detail = Resource::new(move || student_id.get(), review_detail);
    view! {
        <TopBar />
        <main class="page wide">
            <p>
                <a href=move || format!("/review?{}", current_filter().get())>"← 返回审核队列"</a>
            </p>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    detail
                        .get()
                        .map(|result| match result {
                            Ok(d) => view! { <DetailView initial=d /> }.into_any(),
                            Err(e) => crate::components::failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn DetailView(initial: StudentReview) -> impl IntoView {
    let student_id = initial.student_id;
    let detail = RwSignal::new(initial);
    let filter = current_filter();
    let navigate = use_navigate();
    let message = RwSignal::new(None::<Result<String, String>>);
    let reason = RwSignal::new(String::new());
    let reason_text = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);
    let reason_select = NodeRef::<leptos::html::Select>::new();

    let record = RwSignal::new(detail.with_untracked(|d| d.record.clone()));
    let record_errors = RwSignal::new(FieldErrors::new());
    let save_record = ServerAction::<UpdateRecord>::new();
    let reload = move |done: &'static str| {
        leptos::task::spawn_local(async move {
            match review_detail(student_id).await {
                Ok(d) => {
                    record.set(d.record.clone());
                    detail.set(d);
                    message.set(Some(Ok(done.to_string())));
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        });
    };
    Effect::new(move |_| match save_record.value().get() {
        Some(Ok(())) => {
            record_errors.set(FieldErrors::new());
            reload("学籍信息已保存");
        }
        Some(Err(AppError::Validation(errors))) => record_errors.set(errors),
        Some(Err(e)) => message.set(Some(Err(e.to_string()))),
        None => {}
    });
    let on_save_record = move |_| match record.with_untracked(|r| r.parse(false)) {
        Err(errors) => record_errors.set(errors),
        Ok(_) => {
            save_record.dispatch(UpdateRecord {
                student_id,
                version: detail.with_untracked(|d| d.record_version),
                record: record.get_untracked(),
            });
        }
    };
    let copy = ServerAction::<CopyToSchool>::new();
    let approve = ServerAction::<Approve>::new();
    let reject = ServerAction::<Reject>::new();
    let busy = move || copy.pending().get() || approve.pending().get() || reject.pending().get();

    let go_next = {
        let navigate = navigate.clone();
        move || {
            let navigate = navigate.clone();
            let filter = filter.get_untracked();
            leptos::task::spawn_local(async move {
                match review_next(student_id, filter.clone()).await {
                    Ok(Some(next)) => {
                        navigate(&format!("/review/{next}?{filter}"), Default::default())
                    }
                    Ok(None) => navigate(&format!("/review?{filter}"), Default::default()),
                    Err(e) => message.set(Some(Err(e.to_string()))),
                }
            });
        }
    };

    Effect::new(move |_| match copy.value().get() {
        Some(Ok(d)) => {
            detail.set(d);
            message.set(Some(Ok("已复制到校库".to_string())));
        }
        Some(Err(e)) => message.set(Some(Err(e.to_string()))),
        None => {}
    });
    let after_decision = {
        let go_next = go_next.clone();
        move |result: Option<Result<(), AppError>>| match result {
            Some(Ok(())) => go_next(),
            Some(Err(AppError::Validation(errors))) => {
                reason_error.set(errors.iter().next().map(|e| e.message.clone()));
            }
            Some(Err(e)) => message.set(Some(Err(e.to_string()))),
            None => {}
        }
    };
    {
        let after = after_decision.clone();
        Effect::new(move |_| after(approve.value().get()));
    }
    Effect::new(move |_| after_decision(reject.value().get()));

    let version = move || detail.with_untracked(|d| d.version.unwrap_or(0));
    let submitted = move || detail.with(|d| d.status == Status::Submitted);
    let do_approve = move || {
        if submitted() && !busy() {
            approve.dispatch(Approve {
                student_id,
                version: version(),
            });
        }
    };
    let do_reject = move || {
        reason_error.set(None);
        reject.dispatch(Reject {
            student_id,
            version: version(),
            reason: reason.get_untracked(),
            reason_text: reason_text.get_untracked(),
        });
    };

    // Keyboard: A 通过, R 不通过 (choose a reason), N 下一个 — not while typing.
    {
        let go_next = go_next.clone();
        Effect::new(move |_| {
            let go_next = go_next.clone();
            let handle = window_event_listener(leptos::ev::keydown, move |ev| {
                if ev.ctrl_key() || ev.alt_key() || ev.meta_key() {
                    return;
                }
                let typing = ev
                    .target()
                    .and_then(|t| {
                        leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok()
                    })
                    .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
                    .unwrap_or(false);
                if typing {
                    return;
                }
                match ev.key().as_str() {
                    "a" | "A" => do_approve(),
                    "r" | "R" => {
                        if let Some(select) = reason_select.get() {
                            let _ = select.focus();
                        }
                    }
                    "n" | "N" => go_next(),
                    _ => return,
                }
                ev.prevent_default();
            });
            on_cleanup(move || handle.remove());
        });
    }

    let copy_all = move |_| {
        copy.dispatch(CopyToSchool {
            student_id,
            version: version(),
            fields: "all".to_string(),
        });
    };

    view! {
        <section class="card">
            <h1>
                {move || detail.with(|d| format!("{}（{}）", d.name, d.student_no))}
            </h1>
            <p class="status-line">
                {move || detail.with(|d| d.college.clone())} " · 核验状态："
                <StatusBadge status=Signal::derive(move || detail.with(|d| d.status)) />
            </p>
            {move || {
                detail
                    .with(|d| d.reject_reason.clone().filter(|_| d.status == Status::Rejected))
                    .map(|r| view! { <p class="reject-reason">{format!("不通过原因：{r}")}</p> })
            }}
            {move || {
                message
                    .get()
                    .map(|m| match m {
                        Ok(text) => view! { <p class="notice ok" role="status">{text}</p> }.into_any(),
                        Err(text) => view! { <p class="notice error" role="alert">{text}</p> }.into_any(),
                    })
            }}
        </section>

        <section class="card">
            <h2>"学籍信息"</h2>
            <SchoolFieldList fields=Signal::derive(move || detail.with(|d| d.school_fields.clone())) />
        </section>

        <section class="card">
            <div class="heading-row">
                <h2>"校库与学生核验信息对照"</h2>
                <button
                    disabled=move || busy() || detail.with(|d| d.version.is_none() || !d.fields.iter().any(|f| f.differs))
                    on:click=copy_all
                >
                    "复制学生核验信息到学校库"
                </button>
            </div>
            <div class="table-wrap">
                <table class="compare">
                    <thead>
                        <tr>
                            <th scope="col">"字段"</th>
                            <th scope="col">"校库"</th>
                            <th scope="col">"学生核验"</th>
                            <th scope="col">"操作"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let started = detail.with(|d| d.version.is_some());
                            detail
                                .with(|d| d.fields.clone())
                                .into_iter()
                                .map(|f| {
                                    let field = f.field.clone();
                                    let label = f.label.clone();
                                    view! {
                                        <tr class:differs=f.differs>
                                            <th scope="row">
                                                {f.label.clone()}
                                                {f.differs.then(|| view! { <span class="diff-mark" aria-label="与校库不同">"!"</span> })}
                                            </th>
                                            <td>{f.school}</td>
                                            <td>{f.student}</td>
                                            <td>
                                                <Show when=move || f.differs && started>
                                                    <button
                                                        class="small"
                                                        aria-label=format!("复制到校库：{label}")
                                                        disabled=busy
                                                        on:click={
                                                            let field = field.clone();
                                                            move |_| {
                                                                copy.dispatch(CopyToSchool { student_id, version: version(), fields: field.clone() });
                                                            }
                                                        }
                                                    >
                                                        "复制到校库"
                                                    </button>
                                                </Show>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>

        <details class="card edit-record">
            <summary>"修改学籍信息"</summary>
            <p class="hint">
                "学生提交后、审核完成前不能修改；所在院系只能由学校老师修改。每次修改都记入操作记录。"
            </p>
            <RecordFields
                record=record
                errors=record_errors
                college_editable=detail.with_untracked(|d| d.can_change_college)
            />
            <button class="primary" disabled=move || save_record.pending().get() on:click=on_save_record>
                "保存学籍信息"
            </button>
        </details>

        <section class="card decision">
            <h2>"审核"</h2>
            <Show
                when=submitted
                fallback=|| view! { <p class="hint">"该学生当前不在“学生已核”状态，无需审核。"</p> }
            >
                <div class="decision-row">
                    <button class="primary" disabled=busy on:click=move |_| do_approve()>
                        "通过"
                    </button>
                </div>
                <div class="decision-row">
                    <label for="reason">"不通过原因"</label>
                    <select
                        id="reason"
                        node_ref=reason_select
                        on:change=move |ev| reason.set(event_target_value(&ev))
                    >
                        <option value="">"请选择"</option>
                        {REJECT_REASONS.iter().map(|r| view! { <option value=*r>{*r}</option> }).collect_view()}
                    </select>
                    <label for="reason_text">"说明"</label>
                    <textarea
                        id="reason_text"
                        rows="2"
                        placeholder="写给学生看的说明（选择“其他”时必填）"
                        on:input=move |ev| reason_text.set(event_target_value(&ev))
                        prop:value=move || reason_text.get()
                    ></textarea>
                    {move || reason_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
                    <button class="danger" disabled=busy on:click=move |_| do_reject()>
                        "不通过"
                    </button>
                </div>
            </Show>
            <div class="decision-row">
                <button on:click={
                    let go_next = go_next.clone();
                    move |_| go_next()
                }>"下一个"</button>
                <span class="hint shortcuts">"快捷键：A 通过 · R 选择不通过原因 · N 下一个"</span>
            </div>
        </section>

        <RemovalRequestForm student_id />

        <section class="card">
            <h2>"操作记录"</h2>
            <ol class="history">
                {move || {
                    detail
                        .with(|d| d.history.clone())
                        .into_iter()
                        .rev()
                        .map(|h| {
                            let change = match (&h.field, &h.old_value, &h.new_value) {
                                (Some(field), old, new) => format!(
                                    "{field}：{} → {}",
                                    old.clone().filter(|v| !v.is_empty()).unwrap_or_else(|| "（空）".into()),
                                    new.clone().filter(|v| !v.is_empty()).unwrap_or_else(|| "（空）".into())
                                ),
                                _ => h.detail.clone().unwrap_or_default(),
                            };
                            view! {
                                <li>
                                    <span class="when">{crate::components::beijing_time(&h.at, "%Y-%m-%d %H:%M:%S")}</span>
                                    " "
                                    <span class="who">{h.actor}</span>
                                    " "
                                    <strong>{h.action}</strong>
                                    " "
                                    <span>{change}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </section>
    }
}

/// 申请移出本届: for a student who is not in this cohort (留级, 休学); 学校 decides.
#[component]
fn RemovalRequestForm(student_id: i64) -> impl IntoView {
    use crate::api::cohort::RequestRemoval;
    let request = ServerAction::<RequestRemoval>::new();
    let reason = RwSignal::new(String::new());
    view! {
        <section class="card">
            <details>
                <summary>"申请移出本届（留级、休学等）"</summary>
                <form
                    class="form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        request.dispatch(RequestRemoval { student_id, reason: reason.get() });
                    }
                >
                    <div class="field">
                        <label for="removal_reason">"移出原因"</label>
                        <input
                            id="removal_reason"
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                            placeholder="如：休学一年，2024届毕业"
                        />
                    </div>
                    {move || {
                        request
                            .value()
                            .get()
                            .map(|r| match r {
                                Ok(()) => view! { <p class="notice ok" role="status">"已提交申请，等待招生就业处审批。"</p> }.into_any(),
                                Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
                            })
                    }}
                    <button type="submit" disabled=move || request.pending().get()>"提交移出申请"</button>
                </form>
            </details>
        </section>
    }
}
