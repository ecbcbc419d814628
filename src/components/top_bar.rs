use crate::api::auth::{Account, Logout, current_account};
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
                            let links = match &a {
                                Account::Student { unread, .. } => {
                                    let unread = *unread;
                                    view! {
                                        <a href="/student">"生源信息"</a>
                                        <a href="/student/notifications">
                                            "消息"
                                            {(unread > 0).then(|| view! { <span class="count" aria-label="未读消息">{unread}</span> })}
                                        </a>
                                        <a href="/student/survey">"问卷"</a>
                                        <a href="/account">"账号安全"</a>
                                    }
                                        .into_any()
                                }
                                Account::Staff { college, .. } => {
                                    let school = college.is_none();
                                    view! {
                                        <a href="/staff">"工作台"</a>
                                        <a href="/review">"审核队列"</a>
                                        <a href="/staff/import">"导入名单"</a>
                                        <a href="/staff/cohort">"人员变动"</a>
                                        <a href="/staff/org">"院系专业"</a>
                                        <a href="/staff/papers">"附件4/5"</a>
                                        <a href="/staff/survey">"问卷"</a>
                                        <a href="/staff/accounts">"账号管理"</a>
                                        {school.then(|| view! {
                                            <a href="/staff/campaign">"活动设置"</a>
                                            <a href="/staff/people">"教师账号"</a>
                                            <a href="/staff/security">"安全日志"</a>
                                        })}
                                        <a href="/account">"修改密码"</a>
                                    }
                                        .into_any()
                                }
                            };
                            view! {
                                <nav class="top-links">{links}</nav>
                                <span class="who">{a.label()}</span>
                                <ActionForm action=logout attr:class="inline">
                                    <button
                                        type="submit"
                                        class="link"
                                        on:click=|ev| {
                                            // A shared computer keeps nothing of this person; a
                                            // save still waiting for the network is asked about.
                                            if crate::offline::confirm_forget() {
                                                crate::offline::forget_all();
                                            } else {
                                                ev.prevent_default();
                                            }
                                        }
                                    >
                                        "退出"
                                    </button>
                                </ActionForm>
                            }
                        })
                }}
            </Transition>
        </header>
    }
}
