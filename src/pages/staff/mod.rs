//! The staff start page, the account office and the security log.

mod accounts;
mod security_log;

pub use accounts::StaffAccountsPage;
pub use security_log::SecurityLogPage;

use crate::api::staff::{Counts, Dashboard, load_dashboard};
use crate::components::{StatusBadge, StatusBars, TopBar};
use crate::domain::status::Status;
use leptos::prelude::*;

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let dashboard = Resource::new(|| (), |_| load_dashboard());
    view! {
        <TopBar />
        <main class="page wide">
            <h1>"工作台"</h1>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    dashboard
                        .get()
                        .map(|result| match result {
                            Ok(d) => view! { <DashboardView d /> }.into_any(),
                            Err(e) => crate::components::failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

fn counts_table(
    caption: &'static str,
    groups: Vec<Counts>,
    total: Option<Counts>,
) -> impl IntoView {
    let row = |g: Counts, strong: bool| {
        let cells = Status::ALL
            .iter()
            .map(|s| view! { <td class="num">{g.of(*s)}</td> })
            .collect_view();
        view! {
            <tr class:total=strong>
                <th scope="row">{g.label.clone()}</th>
                {cells}
                <td class="num">{g.total()}</td>
            </tr>
        }
    };
    view! {
        <div class="table-wrap">
            <table class="counts" data-testid=caption>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col"></th>
                        {Status::ALL
                            .iter()
                            .map(|s| view! { <th scope="col" class="num"><StatusBadge status=*s /></th> })
                            .collect_view()}
                        <th scope="col" class="num">"合计"</th>
                    </tr>
                </thead>
                <tbody>
                    {groups.into_iter().map(|g| row(g, false)).collect_view()}
                    {total.map(|t| row(t, true))}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    let submitted = d.total.of(Status::Submitted);
    let by_college = if d.is_school {
        let mut bars = d.colleges.clone();
        bars.push(d.total.clone());
        view! {
            <StatusBars groups=bars title="各学院进度" />
            {counts_table("各学院人数", d.colleges.clone(), Some(d.total.clone()))}
        }
        .into_any()
    } else {
        view! { <StatusBars groups=vec![d.total.clone()] title=format!("{}进度", d.scope) /> }
            .into_any()
    };
    let export = |ext: &str| format!("/staff/export.{ext}");
    let shown = d.not_started.len() as i64;
    let not_started_rows = d
        .not_started
        .into_iter()
        .map(|s| {
            view! {
                <tr>
                    <td class="mono">{s.student_no}</td>
                    <td>{s.name}</td>
                    <td>{s.college}</td>
                    <td>{s.major}</td>
                    <td>{s.class_name}</td>
                    <td class="mono">{s.mobile}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{format!("{} · {} · {}", d.cohort, d.scope, d.display_name)}</h2>
            <p data-testid="dashboard-total">
                {format!("毕业生共 {} 人，学院已审 {} 人，待审核 {} 人", d.total.total(), d.total.of(Status::Approved), submitted)}
            </p>
            <p class="actions">
                <a class="button primary" href="/review?status=submitted">"进入审核队列"</a>
                <a class="button" href=export("xlsx") download>"导出生源信息（Excel）"</a>
                <a class="button" href=export("csv") download>"导出（CSV）"</a>
            </p>
            {by_college}
        </section>
        <section class="card">
            <h2>"按学历层次"</h2>
            <StatusBars groups=d.levels.clone() title="各学历层次进度" />
            {counts_table("各学历层次人数", d.levels, None)}
        </section>
        <section class="card">
            <div class="heading-row">
                <h2 data-testid="not-started-count">{format!("尚未开始核验：{} 人", d.not_started_total)}</h2>
                <a class="button" href="/staff/not-started.csv" download>"导出名单（CSV）"</a>
            </div>
            {(d.not_started_total > shown)
                .then(|| view! { <p class="hint">{format!("下表列出前 {shown} 人，完整名单请导出。")}</p> })}
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">"学号"</th>
                            <th scope="col">"姓名"</th>
                            <th scope="col">"学院"</th>
                            <th scope="col">"专业"</th>
                            <th scope="col">"班级"</th>
                            <th scope="col">"手机号码（校库）"</th>
                        </tr>
                    </thead>
                    <tbody>{not_started_rows}</tbody>
                </table>
            </div>
        </section>
    }
}
