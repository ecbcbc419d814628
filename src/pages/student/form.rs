//! The verification form: grey 学籍 fields, editable fields with red "differs from 校库" marks,
//! and the buttons of REQUIREMENTS §4. Every rule shown here is the server's rule.

use crate::api::student::{SaveVerification, StartVerification, StudentInfo, WithdrawVerification};
use crate::components::{FieldControl, SchoolFieldList, StatusBadge};
use crate::domain::FieldErrors;
use crate::domain::form::{FIELDS, StudentContext, display_value};
use crate::domain::status::Status;
use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// What the student sees after an action: good news or a problem.
#[derive(Clone, PartialEq)]
enum Notice {
    Ok(String),
    Problem(String),
}

#[component]
pub fn VerificationPanel(initial: StudentInfo) -> impl IntoView {
    let ctx = StudentContext {
        level: initial.record.level,
    };
    let school = StoredValue::new(initial.record.clone());
    let form = RwSignal::new(
        initial
            .verification
            .as_ref()
            .map(|v| v.values.clone())
            .unwrap_or_else(|| initial.record.values.clone()),
    );
    let info = RwSignal::new(initial);
    let touched = RwSignal::new(BTreeSet::<&'static str>::new());
    let submit_tried = RwSignal::new(false);
    let server_errors = RwSignal::new(FieldErrors::new());
    let notice = RwSignal::new(None::<Notice>);
    let submission_id = RwSignal::new(None::<String>);
    let last_intent = RwSignal::new("draft");

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
    let editable = move || started() && status.get().student_may_edit();
    let version =
        move || info.with_untracked(|i| i.verification.as_ref().map(|v| v.version).unwrap_or(0));

    let start = ServerAction::<StartVerification>::new();
    let save = ServerAction::<SaveVerification>::new();
    let withdraw = ServerAction::<WithdrawVerification>::new();
    let busy = move || start.pending().get() || save.pending().get() || withdraw.pending().get();

    let handle = move |result: Result<StudentInfo, AppError>, done: &str| match result {
        Ok(new_info) => {
            if let Some(v) = &new_info.verification {
                form.set(v.values.clone());
            }
            info.set(new_info);
            server_errors.set(FieldErrors::new());
            submission_id.set(None);
            notice.set(Some(Notice::Ok(done.to_string())));
        }
        Err(AppError::Validation(errors)) => {
            server_errors.set(errors);
            submission_id.set(None);
            notice.set(Some(Notice::Problem("请按提示修正标红的字段".to_string())));
        }
        Err(e) if e.is_transport() => {
            // The submission id is kept, so sending again cannot apply the submit twice.
            notice.set(Some(Notice::Problem(
                "网络连接异常，填写的内容仍在本页，请稍后再点一次".to_string(),
            )));
        }
        Err(e) => {
            submission_id.set(None);
            notice.set(Some(Notice::Problem(e.to_string())));
        }
    };
    Effect::new(move |_| {
        if let Some(result) = start.value().get() {
            handle(result, "已开始核验：请核对并完善下面的信息");
        }
    });
    Effect::new(move |_| {
        if let Some(result) = save.value().get() {
            let message = if last_intent.get_untracked() == "submit" {
                "已提交核验，请等待学院审核"
            } else {
                "草稿已保存"
            };
            handle(result, message);
        }
    });
    Effect::new(move |_| {
        if let Some(result) = withdraw.value().get() {
            handle(result, "已撤回提交，可以继续修改");
        }
    });

    let send = move |intent: &'static str| {
        let f = form.get_untracked();
        let id = if intent == "submit" {
            submission_id.get_untracked().unwrap_or_else(|| {
                let id = new_submission_id();
                submission_id.set(Some(id.clone()));
                id
            })
        } else {
            String::new()
        };
        last_intent.set(intent);
        save.dispatch(SaveVerification {
            intent: intent.to_string(),
            origin_code: f.origin_code,
            training_mode: f.training_mode,
            sponsor_unit: f.sponsor_unit,
            normal_category: f.normal_category,
            urban_rural: f.urban_rural,
            ethnicity: f.ethnicity,
            political: f.political,
            hardship: f.hardship,
            mobile: f.mobile,
            email: f.email,
            qq: f.qq,
            home_address: f.home_address,
            home_phone: f.home_phone,
            postcode: f.postcode,
            version: version(),
            submission_id: id,
        });
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

    let set_field = move |name: &'static str, value: String| {
        form.update(|f| f.set(name, value));
        server_errors.update(|e| e.0.retain(|x| x.field != name));
        submission_id.set(None);
    };
    let blur = move |name: &'static str| {
        touched.update(|t| {
            t.insert(name);
        })
    };

    let field_row = move |name: &'static str, label: &'static str| {
        let school_value = school.with_value(|r| r.values.get(name).to_string());
        let school_display = school.with_value(|r| {
            if name == "origin_code" {
                if r.origin_name.is_empty() {
                    school_value.clone()
                } else {
                    r.origin_name.clone()
                }
            } else {
                display_value(name, &school_value)
            }
        });
        let school_display = if school_display.is_empty() {
            "（空）".to_string()
        } else {
            school_display
        };
        let differs = {
            let school_value = school_value.clone();
            move || form.with(|f| f.get(name) != school_value)
        };
        let error = move || field_error(name);
        let input_id = name;
        let control = move || {
            if !editable() {
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
                    value=Signal::derive(move || form.with(|f| f.get(name).to_string()))
                    invalid=Signal::derive(move || error().is_some())
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
        let school_display_title = format!("校库：{school_display}");
        view! {
            <div class="field" class:has-error=move || error().is_some() class:differs=differs.clone()>
                <label for=input_id>
                    {label}
                    <Show when=differs.clone()>
                        <span class="diff-mark" title=school_display_title.clone() aria-label="与校库不同">
                            "!"
                        </span>
                    </Show>
                </label>
                {control}
                {hint.map(|h| view! { <small class="hint">{h}</small> })}
                <Show when=differs.clone()>
                    <small class="school-value">{format!("校库：{school_display}")}</small>
                </Show>
                {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </div>
        }
    };

    view! {
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
            <SchoolFieldList fields=school.with_value(|r| r.school_fields.clone()) />
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
                <button class="primary" disabled=busy on:click=move |_| { start.dispatch(StartVerification {}); }>
                    "开始核验"
                </button>
            </Show>
            <Show when=editable>
                <button disabled=busy on:click=on_save>
                    "保存草稿"
                </button>
                <button class="primary" disabled=busy on:click=on_submit>
                    "提交核验"
                </button>
            </Show>
            <Show when=move || matches!(status.get(), Status::Submitted | Status::Rejected) && started()>
                <button
                    disabled=busy
                    on:click=move |_| {
                        withdraw.dispatch(WithdrawVerification { version: version() });
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
