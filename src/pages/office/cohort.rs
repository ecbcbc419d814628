//! 人员变动: removal requests (colleges file them on a student's page; 学校 decides) and removed
//! students (学校 can restore them).

use crate::api::cohort::{CohortChanges, DecideRemoval, RestoreStudent, load_cohort_changes};
use crate::components::{TopBar, beijing_time, failure_view};
use leptos::prelude::*;

#[component]
pub fn CohortPage() -> impl IntoView {
    let decide = ServerAction::<DecideRemoval>::new();
    let restore = ServerAction::<RestoreStudent>::new();
    let changes = Resource::new(
        move || (decide.version().get(), restore.version().get()),
        |_| load_cohort_changes(),
    );
    let message = move || {
        decide
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| restore.value().get().and_then(|r| r.err()))
            .map(|e| view! { <p class="notice error" role="alert">{e.to_string()}</p> })
    };
    view! {
        <TopBar />
        <main class="page wide">
            <h1>"人员变动"</h1>
            <p class="hint">"留级、休学等不属于本届的学生：学院在学生详情页提出移出申请，招生就业处审批。移出后学生不能登录，历史记录保留，可随时恢复（复学）。"</p>
            {message}
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    changes
                        .get()
                        .map(|result| match result {
                            Ok(c) => view! { <Changes c decide restore /> }.into_any(),
                            Err(e) => failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn Changes(
    c: CohortChanges,
    decide: ServerAction<DecideRemoval>,
    restore: ServerAction<RestoreStudent>,
) -> impl IntoView {
    let may_decide = c.may_decide;
    let pending = c
        .pending
        .into_iter()
        .map(|r| {
            let id = r.id;
            view! {
                <tr>
                    <td class="mono">
                        <a href=format!("/review/{}?status=all", r.student_id)>{r.student_no}</a>
                    </td>
                    <td>{r.name}</td>
                    <td>{r.college}</td>
                    <td>{r.class_name}</td>
                    <td>{r.reason}</td>
                    <td>{format!("{} {}", r.requested_by, beijing_time(&r.requested_at, "%m-%d %H:%M"))}</td>
                    <td>
                        {may_decide
                            .then(|| {
                                view! {
                                    <button type="button" class="primary" on:click=move |_| { decide.dispatch(DecideRemoval { request_id: id, approve: true, note: String::new() }); }>
                                        "同意移出"
                                    </button>
                                    <button type="button" on:click=move |_| { decide.dispatch(DecideRemoval { request_id: id, approve: false, note: String::new() }); }>
                                        "不同意"
                                    </button>
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let removed = c
        .removed
        .into_iter()
        .map(|r| {
            let id = r.student_id;
            view! {
                <tr>
                    <td class="mono">{r.student_no}</td>
                    <td>{r.name}</td>
                    <td>{r.college}</td>
                    <td>{r.class_name}</td>
                    <td>{r.reason}</td>
                    <td>{beijing_time(&r.removed_at, "%Y-%m-%d")}</td>
                    <td>
                        {may_decide
                            .then(|| view! {
                                <button type="button" on:click=move |_| { restore.dispatch(RestoreStudent { student_id: id }); }>
                                    "恢复到本届"
                                </button>
                            })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>"待审批的移出申请"</h2>
            <div class="table-wrap">
                <table data-testid="removal-requests">
                    <thead>
                        <tr>
                            <th scope="col">"学号"</th>
                            <th scope="col">"姓名"</th>
                            <th scope="col">"学院"</th>
                            <th scope="col">"班级"</th>
                            <th scope="col">"原因"</th>
                            <th scope="col">"申请人"</th>
                            <th scope="col">"操作"</th>
                        </tr>
                    </thead>
                    <tbody>{pending}</tbody>
                </table>
            </div>
        </section>
        <section class="card">
            <h2>"已移出本届的学生"</h2>
            <div class="table-wrap">
                <table data-testid="removed-students">
                    <thead>
                        <tr>
                            <th scope="col">"学号"</th>
                            <th scope="col">"姓名"</th>
                            <th scope="col">"学院"</th>
                            <th scope="col">"班级"</th>
                            <th scope="col">"原因"</th>
                            <th scope="col">"移出日期"</th>
                            <th scope="col">"操作"</th>
                        </tr>
                    </thead>
                    <tbody>{removed}</tbody>
                </table>
            </div>
        </section>
    }
}
