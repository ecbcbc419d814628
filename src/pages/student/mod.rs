//! 生源信息: the student's page.

mod form;
mod notifications;

pub use notifications::NotificationsPage;

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
