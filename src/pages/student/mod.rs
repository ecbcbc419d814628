//! 生源信息: the student's page.

mod form;
mod notifications;
mod survey;

pub use notifications::NotificationsPage;
pub use survey::SurveyPage;

use crate::api::student::my_info;
use crate::components::TopBar;
use form::VerificationPanel;
use leptos::prelude::*;

#[component]
pub fn StudentInfoPage() -> impl IntoView {
    let info = Resource::new(|| (), |_| my_info());
    view! {
        <TopBar />
        <main class="page">
            <h1>"生源信息"</h1>
            <Deadline />
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    info.get()
                        .map(|result| match result {
                            Ok(data) => view! { <VerificationPanel initial=data /> }.into_any(),
                            Err(e) => crate::components::failure_view(e, "/login", "/staff"),
                        })
                }}
            </Transition>
        </main>
    }
}

/// The students' window: the deadline and the days left, or that it has not opened / has closed.
#[component]
fn Deadline() -> impl IntoView {
    use crate::domain::campaign::Standing;
    let campaign = Resource::new(|| (), |_| crate::api::campaign::load_campaign());
    view! {
        <Transition fallback=|| ()>
            {move || {
                campaign
                    .get()
                    .and_then(|r| r.ok())
                    .and_then(|v| {
                        let w = v.campaign.students;
                        let cohort = v.campaign.cohort.clone();
                        let (class, text) = match w.standing(v.today) {
                            Standing::Open(Some(days)) => (
                                if days <= 3 { "notice error" } else { "notice ok" },
                                format!(
                                    "{cohort}生源信息填报截止：{}（还剩 {days} 天）",
                                    w.closes_on.map(|d| d.format("%Y年%m月%d日").to_string()).unwrap_or_default()
                                ),
                            ),
                            Standing::Open(None) => return None,
                            Standing::NotYetOpen => ("notice", format!("填报尚未开始（{}）", w.describe())),
                            Standing::Closed => ("notice error", format!("填报已截止（{}）", w.describe())),
                        };
                        Some(view! { <p class=class data-testid="deadline">{text}</p> })
                    })
            }}
        </Transition>
    }
}
