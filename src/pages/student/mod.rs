//! 生源信息: the student's page.

mod form;
mod notifications;

pub use notifications::NotificationsPage;

use crate::api::student::my_info;
use crate::components::TopBar;
use crate::error::AppError;
use form::VerificationPanel;
use leptos::prelude::*;
use leptos_router::components::Redirect;

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
                            Err(AppError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                            Err(AppError::Forbidden) => view! { <Redirect path="/staff" /> }.into_any(),
                            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
        </main>
    }
}
