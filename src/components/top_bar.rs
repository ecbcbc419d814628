use crate::api::auth::{Logout, current_account};
use leptos::prelude::*;

/// The page header: who is logged in, and 退出.
#[component]
pub fn TopBar() -> impl IntoView {
    let account = Resource::new(|| (), |_| current_account());
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <span class="brand">"生源信息采集核对"</span>
            <Transition fallback=|| ()>
                {move || {
                    account
                        .get()
                        .and_then(|r| r.ok())
                        .flatten()
                        .map(|a| {
                            view! {
                                <span class="who">{a.label()}</span>
                                <ActionForm action=logout attr:class="inline">
                                    <button type="submit" class="link">"退出"</button>
                                </ActionForm>
                            }
                        })
                }}
            </Transition>
        </header>
    }
}
