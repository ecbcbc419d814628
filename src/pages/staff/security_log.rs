//! 安全日志 (学校 only): logins, lockouts, unlocks, resets, password changes, refusals.

use crate::api::account_office::{LogQuery, SecurityLog, browse_security_log};
use crate::components::{TopBar, beijing_time, failure_view, query_of};
use leptos::prelude::*;
use leptos_router::components::Form;

const KEYS: &[&str] = &["action", "actor", "addr", "from", "to", "page"];

#[component]
pub fn SecurityLogPage() -> impl IntoView {
    let query = query_of(KEYS);
    let log = Resource::new(move || query.get(), browse_security_log);
    view! {
        <TopBar />
        <main class="page wide">
            <h1>"安全日志"</h1>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    log.get()
                        .map(|result| match result {
                            Ok(l) => view! { <LogView log=l query=LogQuery::parse(&query.get_untracked()) /> }.into_any(),
                            Err(e) => failure_view(e, "/staff/login", "/staff"),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn LogView(log: SecurityLog, query: LogQuery) -> impl IntoView {
    let pages = ((log.total + log.page_size - 1) / log.page_size).max(1);
    let page = log.page;
    let href = |p: i64| format!("/staff/security?{}", query.to_query(Some(p)));
    let prev = href(page - 1);
    let next = href(page + 1);
    let csv = format!("/staff/security-log.csv?{}", query.to_query(None));
    let options = log
        .actions
        .iter()
        .map(|(action, label)| {
            view! { <option value=action.clone() selected=query.action == *action>{label.clone()}</option> }
        })
        .collect_view();
    let rows = log
        .entries
        .into_iter()
        .map(|e| {
            view! {
                <tr data-action=e.action.clone()>
                    <td class="mono">{beijing_time(&e.at, "%Y-%m-%d %H:%M:%S")}</td>
                    <td class="mono">{e.actor}</td>
                    <td>{e.action_label}</td>
                    <td>{e.detail}</td>
                    <td class="mono">{e.client_addr}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Form method="GET" action="/staff/security" attr:class="filters">
            <label>
                "事件"
                <select name="action">
                    <option value="">"全部"</option>
                    {options}
                </select>
            </label>
            <label>
                "账号"
                <input type="search" name="actor" value=query.actor.clone() placeholder="学号或用户名" />
            </label>
            <label>
                "来源地址"
                <input type="search" name="addr" value=query.addr.clone() placeholder="IP 地址" />
            </label>
            <label>
                "从"
                <input type="date" name="from" value=query.from.clone() />
            </label>
            <label>
                "到"
                <input type="date" name="to" value=query.to.clone() />
            </label>
            <button type="submit">"筛选"</button>
            <a class="button" href=csv download>
                "导出 CSV"
            </a>
        </Form>
        <p class="hint">{format!("共 {} 条（北京时间，最新在前）", log.total)}</p>
        <div class="table-wrap">
            <table data-testid="security-log">
                <thead>
                    <tr>
                        <th scope="col">"时间"</th>
                        <th scope="col">"账号"</th>
                        <th scope="col">"事件"</th>
                        <th scope="col">"说明"</th>
                        <th scope="col">"来源地址"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="分页">
            {(page > 0).then(|| view! { <a href=prev.clone()>"上一页"</a> })}
            <span>{format!("第 {} / {} 页", page + 1, pages)}</span>
            {(page + 1 < pages).then(|| view! { <a href=next.clone()>"下一页"</a> })}
        </nav>
    }
}
