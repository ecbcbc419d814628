//! The staff start page, the account office and the security log.

mod accounts;
mod security_log;

pub use accounts::StaffAccountsPage;
pub use security_log::SecurityLogPage;

use crate::api::staff::staff_overview;
use crate::components::{StatusBadge, TopBar};
use leptos::prelude::*;

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| staff_overview());
    view! {
        <TopBar />
        <main class="page">
            <h1>"工作台"</h1>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    overview
                        .get()
                        .map(|result| match result {
                            Ok(o) => {
                                view! {
                                    <section class="card">
                                        <h2>{format!("{} · {}", o.scope, o.display_name)}</h2>
                                        <p>{format!("毕业生共 {} 人", o.total)}</p>
                                        <p>
                                            <a class="button primary" href="/review?status=submitted">
                                                "进入审核队列"
                                            </a>
                                        </p>
                                        <table class="counts">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"状态"</th>
                                                    <th scope="col">"人数"</th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {o
                                                    .counts
                                                    .into_iter()
                                                    .map(|(status, n)| {
                                                        view! {
                                                            <tr>
                                                                <td>
                                                                    <StatusBadge status=status />
                                                                </td>
                                                                <td>{n}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    </section>
                                }
                                    .into_any()
                            }
                            Err(e) => crate::components::failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}
