//! 消息: the review results a student has been sent.

use crate::api::notifications::{MarkNotificationsRead, my_notifications};
use crate::components::TopBar;
use leptos::prelude::*;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let inbox = Resource::new(|| (), |_| my_notifications());
    let mark_read = ServerAction::<MarkNotificationsRead>::new();
    // Opening the list reads it.
    Effect::new(move |_| {
        if inbox
            .get()
            .and_then(|r| r.ok())
            .is_some_and(|i| i.unread > 0)
        {
            mark_read.dispatch(MarkNotificationsRead {});
        }
    });
    view! {
        <TopBar />
        <main class="page">
            <h1>"消息"</h1>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    inbox
                        .get()
                        .map(|result| match result {
                            Ok(inbox) if inbox.items.is_empty() => view! { <p class="card hint">"暂无消息。"</p> }.into_any(),
                            Ok(inbox) => view! {
                                <ul class="inbox">
                                    {inbox
                                        .items
                                        .into_iter()
                                        .map(|n| {
                                            view! {
                                                <li class="card" class:unread=n.unread>
                                                    <h2>{n.title}</h2>
                                                    <p>{n.body}</p>
                                                    <small class="hint">{crate::components::beijing_time(&n.at, "%Y-%m-%d %H:%M")}</small>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                            .into_any(),
                            Err(e) => crate::components::failure_view(e, "/login", "/staff"),
                        })
                }}
            </Transition>
        </main>
    }
}
