use super::current_filter;
use crate::api::review::{ApproveMany, QueuePage, QueueQuery, review_queue};
use crate::components::id_options;
use crate::components::{StatusBadge, TopBar};
use crate::domain::codes::EducationLevel;
use crate::domain::status::Status;
use leptos::prelude::*;
use leptos_router::components::Form;
use std::collections::BTreeSet;

#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    let filter = current_filter();
    // Batch approval lives here, above the list it refreshes, so its message outlives the refresh.
    let batch = ServerAction::<ApproveMany>::new();
    let page = Resource::new(
        move || (filter.get(), batch.version().get()),
        |(f, _)| review_queue(f),
    );
    let batch_message = move || {
        batch.value().get().map(|r| match r {
            Ok(b) if b.failed.is_empty() => {
                view! { <p class="notice ok" role="status">{format!("已通过 {} 人", b.approved)}</p> }.into_any()
            }
            Ok(b) => view! {
                <p class="notice error" role="alert">
                    {format!(
                        "已通过 {} 人；{} 人未通过：{}",
                        b.approved,
                        b.failed.len(),
                        b.failed.iter().map(|(_, m)| m.clone()).collect::<Vec<_>>().join("；"),
                    )}
                </p>
            }
            .into_any(),
            Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <TopBar />
        <main class="page wide">
            <div class="heading-row">
                <h1>"审核队列"</h1>
                <a class="button" href="/review/new">"新增学生"</a>
            </div>
            {batch_message}
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    page.get()
                        .map(|result| match result {
                            Ok(p) => view! { <QueueView page=p batch=batch /> }.into_any(),
                            Err(e) => crate::components::failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

fn short_time(at: &Option<String>) -> String {
    at.as_deref()
        .map(|t| crate::components::beijing_time(t, "%m-%d %H:%M"))
        .unwrap_or_default()
}

#[component]
fn QueueView(page: QueuePage, batch: ServerAction<ApproveMany>) -> impl IntoView {
    let query = page.query.clone();
    let link = {
        let query = query.clone();
        move |change: &dyn Fn(&mut QueueQuery)| {
            let mut q = query.clone();
            q.page = 0;
            change(&mut q);
            format!("/review?{}", q.to_query(true))
        }
    };
    let filter_string = query.to_query(true);
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let pages = ((page.total + page.page_size - 1) / page.page_size).max(1);
    let current_status = query.status;
    let tabs = Status::ALL
        .iter()
        .map(|s| {
            let n = page.counts.iter().find(|(c, _)| c == s).map(|(_, n)| *n).unwrap_or(0);
            let href = link(&|q| q.status = Some(*s));
            let active = current_status == Some(*s);
            view! {
                <a href=href class:tab=true class:active=active aria-current=active.then_some("page")>
                    {format!("{} {}", s.label(), n)}
                </a>
            }
        })
        .collect_view();
    let all_href = link(&|q| q.status = None);
    let all_count: i64 = page.counts.iter().map(|(_, n)| n).sum();
    let chosen_major = query.major;
    let level_options = EducationLevel::ALL
        .iter()
        .map(|l| {
            let code = l.graduate_code();
            view! {
                <option value=code selected=query.level.as_deref() == Some(code)>
                    {l.label()}
                </option>
            }
        })
        .collect_view();
    let prev_href = link(&|q| q.page = query.page - 1);
    let next_href = link(&|q| q.page = query.page + 1);
    let has_prev = query.page > 0;
    let has_next = query.page + 1 < pages;
    let rows = page.rows.clone();
    let submitted_rows: Vec<String> = rows
        .iter()
        .filter(|r| r.status == Status::Submitted)
        .filter_map(|r| r.version.map(|v| format!("{}:{}", r.student_id, v)))
        .collect();
    let all_keys = submitted_rows.clone();

    view! {
        <section class="card">
            <p class="hint">
                {page.own_college.clone().map(|c| format!("{c} · ")).unwrap_or_else(|| "全校 · ".to_string())}
                {format!("共 {} 人", page.total)}
            </p>
            <nav class="tabs queue-tabs" aria-label="按状态">
                {tabs}
                <a href=all_href class:tab=true class:active=current_status.is_none()>
                    {format!("全部 {all_count}")}
                </a>
            </nav>
            <Form method="GET" action="/review" attr:class="filters">
                <input type="hidden" name="status" value=current_status.map(Status::as_db).unwrap_or("all") />
                <Show when={
                    let empty = page.colleges.is_empty();
                    move || !empty
                }>
                    <label>
                        "院系"
                        <select name="college">
                            <option value="">"全部院系"</option>
                            {id_options(page.colleges.clone(), query.college)}
                        </select>
                    </label>
                </Show>
                <label>
                    "专业"
                    <select name="major">
                        <option value="">"全部专业"</option>
                        {id_options(page.majors.clone(), chosen_major)}
                    </select>
                </label>
                <label>
                    "班级"
                    <select name="class">
                        <option value="">"全部班级"</option>
                        {id_options(
                            page
                                .classes
                                .iter()
                                .filter(|(_, major, _)| chosen_major.is_none_or(|m| m == *major))
                                .map(|(id, _, name)| (*id, name.clone()))
                                .collect(),
                            query.class,
                        )}
                    </select>
                </label>
                <label>
                    "学历层次"
                    <select name="level">
                        <option value="">"全部"</option>
                        {level_options}
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" name="differs" value="1" checked=query.differs />
                    "只看与校库不同"
                </label>
                <label>
                    "学号或姓名"
                    <input type="search" name="q" value=query.q.clone().unwrap_or_default() />
                </label>
                <button type="submit">"筛选"</button>
            </Form>
        </section>

        <section class="card">
            <div class="batch">
                <label class="check">
                    <input
                        type="checkbox"
                        aria-label="全选本页待审核学生"
                        prop:checked=move || !all_keys.is_empty() && selected.with(|s| s.len() == all_keys.len())
                        on:change={
                            let keys = submitted_rows.clone();
                            move |ev| {
                                let on = event_target_checked(&ev);
                                selected.set(if on { keys.iter().cloned().collect() } else { BTreeSet::new() });
                            }
                        }
                    />
                    "全选"
                </label>
                <button
                    class="primary"
                    disabled=move || selected.with(|s| s.is_empty()) || batch.pending().get()
                    on:click=move |_| {
                        let items = selected.with(|s| s.iter().cloned().collect::<Vec<_>>().join(","));
                        batch.dispatch(ApproveMany { items });
                    }
                >
                    {move || format!("批量通过（{}）", selected.with(|s| s.len()))}
                </button>
            </div>
            <div class="table-wrap">
                <table class="queue">
                    <thead>
                        <tr>
                            <th scope="col">"选择"</th>
                            <th scope="col">"学号"</th>
                            <th scope="col">"姓名"</th>
                            <th scope="col">"身份证号"</th>
                            <th scope="col">"专业"</th>
                            <th scope="col">"班级"</th>
                            <th scope="col">"学历"</th>
                            <th scope="col">"状态"</th>
                            <th scope="col">"提交时间"</th>
                            <th scope="col">"与校库"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .is_empty()
                            .then(|| view! { <tr><td colspan="10" class="hint">"没有符合条件的学生"</td></tr> })}
                        {rows
                            .into_iter()
                            .map(|r| {
                                let href = format!("/review/{}?{}", r.student_id, filter_string);
                                let key = r.version.map(|v| format!("{}:{}", r.student_id, v));
                                let selectable = r.status == Status::Submitted && key.is_some();
                                let key = key.unwrap_or_default();
                                let key_for_check = key.clone();
                                let label = format!("选择 {}", r.name);
                                view! {
                                    <tr class:differs=r.differs>
                                        <td>
                                            <Show when=move || selectable>
                                                <input
                                                    type="checkbox"
                                                    aria-label=label.clone()
                                                    prop:checked={
                                                        let key = key_for_check.clone();
                                                        move || selected.with(|s| s.contains(&key))
                                                    }
                                                    on:change={
                                                        let key = key.clone();
                                                        move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            selected.update(|s| {
                                                                if on { s.insert(key.clone()); } else { s.remove(&key); }
                                                            });
                                                        }
                                                    }
                                                />
                                            </Show>
                                        </td>
                                        <td>
                                            <a href=href>{r.student_no}</a>
                                        </td>
                                        <td>{r.name}</td>
                                        <td class="mono">{r.id_number}</td>
                                        <td>{r.major}</td>
                                        <td>{r.class_name}</td>
                                        <td>{r.level}</td>
                                        <td>
                                            <StatusBadge status=r.status />
                                        </td>
                                        <td>{short_time(&r.submitted_at)}</td>
                                        <td>
                                            {r.differs.then(|| view! { <span class="diff-mark" title="与校库不同">"!"</span> })}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <nav class="pager" aria-label="分页">
                <Show when=move || has_prev>
                    <a href=prev_href.clone()>"上一页"</a>
                </Show>
                <span>{format!("第 {} / {} 页", query.page + 1, pages)}</span>
                <Show when=move || has_next>
                    <a href=next_href.clone()>"下一页"</a>
                </Show>
            </nav>
        </section>
    }
}
