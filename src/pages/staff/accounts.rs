//! 账号管理: locked accounts (unlock) and password resets, for a college's staff or 学校.

use crate::api::account_office::{
    AccountOffice, ResetPasswords, UnlockStaff, UnlockStudents, load_account_office,
    split_student_nos,
};
use crate::components::{TopBar, beijing_time, failure_view};
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub fn StaffAccountsPage() -> impl IntoView {
    let unlock = ServerAction::<UnlockStudents>::new();
    let unlock_staff = ServerAction::<UnlockStaff>::new();
    let reset = ServerAction::<ResetPasswords>::new();
    // The reset form's input lives here, so it survives the list's refresh after an action.
    let input = ResetInput {
        by_class: RwSignal::new(false),
        class_id: RwSignal::new(None),
        numbers: RwSignal::new(String::new()),
    };
    let office = Resource::new(
        move || {
            (
                unlock.version().get(),
                unlock_staff.version().get(),
                reset.version().get(),
            )
        },
        |_| load_account_office(),
    );
    view! {
        <TopBar />
        <main class="page wide">
            <h1>"账号管理"</h1>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    office
                        .get()
                        .map(|result| match result {
                            Ok(o) => view! { <Office office=o unlock unlock_staff reset input /> }.into_any(),
                            Err(e) => failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

#[derive(Clone, Copy)]
struct ResetInput {
    by_class: RwSignal<bool>,
    class_id: RwSignal<Option<i64>>,
    numbers: RwSignal<String>,
}

#[component]
fn Office(
    office: AccountOffice,
    unlock: ServerAction<UnlockStudents>,
    unlock_staff: ServerAction<UnlockStaff>,
    reset: ServerAction<ResetPasswords>,
    input: ResetInput,
) -> impl IntoView {
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let all_ids: Vec<i64> = office.locked.iter().map(|a| a.id).collect();
    let scope = office.college.clone().unwrap_or_else(|| "全校".to_string());
    let is_school = office.college.is_none();
    let unlock_message = move || {
        unlock.value().get().map(|r| match r {
            Ok(n) => {
                view! { <p class="notice ok" role="status">{format!("已解锁 {n} 个账号")}</p> }
                    .into_any()
            }
            Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let rows = office
        .locked
        .into_iter()
        .map(|a| {
            let id = a.id;
            let checked = move || selected.with(|s| s.contains(&id));
            view! {
                <tr>
                    <td>
                        <input
                            type="checkbox"
                            aria-label=format!("选择 {}", a.student_no)
                            prop:checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                            }
                        />
                    </td>
                    <td class="mono">{a.student_no.clone()}</td>
                    <td>{a.name.clone()}</td>
                    <td>{a.college.clone()}</td>
                    <td>{a.class_name.clone()}</td>
                    <td>{a.locked_at.as_deref().map(|t| beijing_time(t, "%m-%d %H:%M")).unwrap_or_default()}</td>
                    <td class="mono">{a.locked_from.join("、")}</td>
                    <td>
                        <button type="button" on:click=move |_| { unlock.dispatch(UnlockStudents { ids: vec![id] }); }>
                            "解锁"
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let empty = all_ids.is_empty();
    let staff_rows = office
        .locked_staff
        .into_iter()
        .map(|s| {
            let id = s.id;
            view! {
                <tr>
                    <td class="mono">{s.username.clone()}</td>
                    <td>{s.display_name.clone()}</td>
                    <td>{s.college.clone()}</td>
                    <td>{beijing_time(&s.locked_at, "%m-%d %H:%M")}</td>
                    <td>
                        <button type="button" on:click=move |_| { unlock_staff.dispatch(UnlockStaff { id }); }>
                            "解锁"
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{format!("已锁定的学生账号（{scope}）")}</h2>
            <p class="hint">"学生在某个网络地址连续输错密码，该账号在这个地址会被锁定（在其他地址仍可登录）。核实是本人后解锁；学生忘记密码时请在下方重置为初始密码。"</p>
            {unlock_message}
            {if empty {
                view! { <p data-testid="no-locked">"目前没有被锁定的学生账号。"</p> }.into_any()
            } else {
                let ids = all_ids.clone();
                view! {
                    <div class="batch">
                        <button type="button" on:click=move |_| selected.set(ids.iter().copied().collect())>
                            "全选"
                        </button>
                        <button
                            type="button"
                            class="primary"
                            disabled=move || selected.with(BTreeSet::is_empty)
                            on:click=move |_| {
                                let ids: Vec<i64> = selected.get().into_iter().collect();
                                selected.set(BTreeSet::new());
                                unlock.dispatch(UnlockStudents { ids });
                            }
                        >
                            "解锁所选"
                        </button>
                    </div>
                    <div class="table-wrap">
                        <table data-testid="locked-students">
                            <thead>
                                <tr>
                                    <th scope="col">"选择"</th>
                                    <th scope="col">"学号"</th>
                                    <th scope="col">"姓名"</th>
                                    <th scope="col">"学院"</th>
                                    <th scope="col">"班级"</th>
                                    <th scope="col">"锁定时间"</th>
                                    <th scope="col">"锁定的网络地址"</th>
                                    <th scope="col">"操作"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
        <Brakes slowed=office.slowed limited=office.limited_addresses is_school />
        {is_school
            .then(|| {
                view! {
                    <section class="card">
                        <h2>"已锁定的教师账号"</h2>
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">"用户名"</th>
                                        <th scope="col">"姓名"</th>
                                        <th scope="col">"学院"</th>
                                        <th scope="col">"锁定时间"</th>
                                        <th scope="col">"操作"</th>
                                    </tr>
                                </thead>
                                <tbody>{staff_rows}</tbody>
                            </table>
                        </div>
                        <p>
                            <a href="/staff/security">"查看安全日志 →"</a>
                        </p>
                    </section>
                }
            })}
        <ResetForm classes=office.classes reset input />
    }
}

#[component]
fn ResetForm(
    classes: Vec<(i64, String)>,
    reset: ServerAction<ResetPasswords>,
    input: ResetInput,
) -> impl IntoView {
    let ResetInput {
        by_class,
        class_id,
        numbers,
    } = input;
    let local_error = RwSignal::new(None::<String>);
    let result = move || {
        reset.value().get().map(|r| match r {
            Ok(outcome) => view! {
                <div class="notice ok" role="status" data-testid="reset-result">
                    <p>{format!("已将 {} 个账号重置为初始密码（身份证号后六位），学生下次登录须设置新密码。", outcome.reset.len())}</p>
                    {(!outcome.not_found.is_empty())
                        .then(|| view! { <p class="error">{format!("未找到（或不属于本学院）：{}", outcome.not_found.join("、"))}</p> })}
                </div>
            }
            .into_any(),
            Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let class_label = {
        let classes = classes.clone();
        move |id: i64| {
            classes
                .iter()
                .find(|(c, _)| *c == id)
                .map(|(_, l)| l.clone())
                .unwrap_or_default()
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let (what, request) = if by_class.get() {
            let Some(id) = class_id.get() else {
                local_error.set(Some("请选择班级".to_string()));
                return;
            };
            (
                format!("整个班级（{}）", class_label(id)),
                ResetPasswords {
                    class_id: Some(id),
                    student_nos: String::new(),
                },
            )
        } else {
            let list = split_student_nos(&numbers.get());
            if list.is_empty() {
                local_error.set(Some("请填写学号".to_string()));
                return;
            }
            (
                format!("{} 个学号", list.len()),
                ResetPasswords {
                    class_id: None,
                    student_nos: numbers.get(),
                },
            )
        };
        if confirm(&format!(
            "确定将{what}的密码重置为初始密码？学生下次登录须设置新密码，已登录的设备将退出。"
        )) {
            reset.dispatch(request);
        }
    };
    view! {
        <form class="card form" on:submit=on_submit>
            <h2>"重置密码"</h2>
            <p class="hint">"重置后密码恢复为身份证号后六位，账号同时解锁；学生登录后必须先设置新密码。"</p>
            <fieldset class="choice">
                <legend>"重置范围"</legend>
                <label>
                    <input type="radio" name="scope" prop:checked=move || !by_class.get() on:change=move |_| by_class.set(false) />
                    "指定学号"
                </label>
                <label>
                    <input type="radio" name="scope" prop:checked=move || by_class.get() on:change=move |_| by_class.set(true) />
                    "整个班级"
                </label>
            </fieldset>
            <Show
                when=move || by_class.get()
                fallback=move || {
                    view! {
                        <div class="field">
                            <label for="student_nos">"学号（可粘贴多个，用空格、逗号或换行分隔）"</label>
                            <textarea
                                id="student_nos"
                                rows="3"
                                prop:value=move || numbers.get()
                                on:input=move |ev| numbers.set(event_target_value(&ev))
                            ></textarea>
                        </div>
                    }
                }
            >
                <div class="field">
                    <label for="class_id">"班级"</label>
                    <select id="class_id" on:change=move |ev| class_id.set(event_target_value(&ev).parse().ok())>
                        <option value="">"请选择"</option>
                        {classes
                            .iter()
                            .map(|(id, label)| {
                                let id = *id;
                                view! {
                                    <option value=id.to_string() selected=move || class_id.get() == Some(id)>
                                        {label.clone()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </Show>
            {move || local_error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {result}
            <button type="submit" class="primary" disabled=move || reset.pending().get()>
                "重置为初始密码"
            </button>
        </form>
    }
}

/// The browser's confirmation dialog (always yes on the server, where nothing is clicked).
fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}

/// The account-wide slowdown and the per-address limit as they stand (see `server::throttle`).
#[component]
fn Brakes(
    slowed: Vec<crate::api::account_office::SlowedAccount>,
    limited: Vec<crate::api::account_office::LimitedAddress>,
    is_school: bool,
) -> impl IntoView {
    let accounts = slowed
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <td class="mono">{a.account}</td>
                    <td>{a.failures}</td>
                    <td>{beijing_time(&a.last_at, "%m-%d %H:%M:%S")}</td>
                </tr>
            }
        })
        .collect_view();
    let addresses = limited
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <td class="mono">{a.client_addr}</td>
                    <td>{a.failures}</td>
                    <td>{beijing_time(&a.last_at, "%m-%d %H:%M:%S")}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="brakes">
            <h2>"正在被放慢的登录"</h2>
            <p class="hint">
                "某个账号 15 分钟内（来自任意地址）密码错误 10 次以上，之后每次尝试须等待，等待时间逐次加倍（最长 5 分钟），但不会锁定本人；某个网络地址 10 分钟内对多个账号密码错误 100 次以上，暂停受理该地址的登录。这些限制会自动解除。"
            </p>
            <div class="table-wrap">
                <table data-testid="slowed-accounts">
                    <thead>
                        <tr>
                            <th scope="col">"账号"</th>
                            <th scope="col">"15 分钟内错误次数"</th>
                            <th scope="col">"最近一次"</th>
                        </tr>
                    </thead>
                    <tbody>{accounts}</tbody>
                </table>
            </div>
            {is_school
                .then(|| {
                    view! {
                        <div class="table-wrap">
                            <table data-testid="limited-addresses">
                                <thead>
                                    <tr>
                                        <th scope="col">"网络地址"</th>
                                        <th scope="col">"10 分钟内错误次数"</th>
                                        <th scope="col">"最近一次"</th>
                                    </tr>
                                </thead>
                                <tbody>{addresses}</tbody>
                            </table>
                        </div>
                    }
                })}
        </section>
    }
}
