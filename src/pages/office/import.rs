//! 导入名单: upload (a plain multipart form, works before the WASM loads), then the preview.

use crate::api::import::{ImportConfirm, ImportDiscard, RosterPreview, import_preview};
use crate::components::{TopBar, beijing_time, failure_view};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ImportPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.with(|q| q.get("error"));
    view! {
        <TopBar />
        <main class="page">
            <h1>"导入名单"</h1>
            <section class="card">
                <p>
                    "上传学籍导出的 Excel（.xlsx）或 CSV 文件。表头可以是中文名称或代码（如“民族”或“民族代码”），取值可以是名称或代码。上传后先预览：哪些列已识别、将新增/更新/不变的学生、每一行错误及原因；确认后才写入，并且一次全部写入。"
                </p>
                <p class="hint">
                    "学院老师只能导入本学院的学生（用于补充缺少的学生，如复学学生）。"
                </p>
                <form method="post" action="/staff/import/upload" enctype="multipart/form-data" class="form">
                    <div class="field">
                        <label for="file">"名单文件（.xlsx 或 .csv，最大 20 MB）"</label>
                        <input id="file" name="file" type="file" accept=".xlsx,.csv,text/csv" required />
                    </div>
                    {move || error().map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
                    <button type="submit" class="primary">"上传并预览"</button>
                </form>
                <p>
                    <a href="/staff/import-template.xlsx" download>"下载《补充生源信息模板》（.xlsx，含示例行）"</a>
                </p>
            </section>
        </main>
    }
}

#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let confirm = ServerAction::<ImportConfirm>::new();
    let discard = ServerAction::<ImportDiscard>::new();
    let preview = Resource::new(
        move || (id(), confirm.version().get(), discard.version().get()),
        |(id, _, _)| import_preview(id),
    );
    view! {
        <TopBar />
        <main class="page wide">
            <p>
                <a href="/staff/import">"← 重新上传"</a>
            </p>
            <h1>"导入预览"</h1>
            <Transition fallback=|| view! { <p class="hint">"正在读取文件……"</p> }>
                {move || {
                    preview
                        .get()
                        .map(|result| match result {
                            Ok(p) => view! { <PreviewView p confirm discard /> }.into_any(),
                            Err(e) => failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

fn rows_table(testid: &'static str, rows: Vec<crate::api::import::ImportRow>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">"行"</th>
                        <th scope="col">"学号"</th>
                        <th scope="col">"姓名"</th>
                        <th scope="col">"院系"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td>{r.line}</td>
                                    <td class="mono">{r.student_no}</td>
                                    <td>{r.name}</td>
                                    <td>{r.college}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PreviewView(
    p: RosterPreview,
    confirm: ServerAction<ImportConfirm>,
    discard: ServerAction<ImportDiscard>,
) -> impl IntoView {
    let id = p.id;
    let title = format!(
        "{}（上传于 {}）",
        p.file_name,
        beijing_time(&p.uploaded_at, "%m-%d %H:%M")
    );
    let scope = p.scope.clone().map(|c| {
        format!("仅导入上传者所在学院（{c}）的学生；其他学院的行会被拒绝（由学校确认时也是如此）。")
    });
    let discard_failed = move || {
        discard
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="notice error" role="alert">{e.to_string()}</p> })
    };
    let outcome = move || {
        confirm.value().get().map(|r| match r {
            Ok(summary) => {
                view! { <p class="notice ok" role="status" data-testid="import-done">{summary}</p> }
                    .into_any()
            }
            Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let columns = p
        .columns
        .iter()
        .map(|(header, column)| {
            let matched = column.is_some();
            view! {
                <tr class:ignored=!matched>
                    <td>{header.clone()}</td>
                    <td>{column.clone().unwrap_or_else(|| "（未识别，忽略）".to_string())}</td>
                </tr>
            }
        })
        .collect_view();
    let refused = p.refused.clone();
    let refused_count = p.refused_count;
    let listed = refused.len();
    let discarded = p.discarded;
    let applied = p.applied.clone();
    let nothing_to_do = p.added_count + p.changed_count == 0;
    view! {
        <section class="card">
            <h2>{title}</h2>
            {scope.map(|s| view! { <p class="hint">{s}</p> })}
            <p data-testid="preview-summary">
                {format!(
                    "将新增 {} 人，更新 {} 人，不变 {} 人；有错误的行 {} 行（不导入）。",
                    p.added_count,
                    p.changed_count,
                    p.unchanged_count,
                    refused_count,
                )}
            </p>
            {match applied {
                Some(summary) => view! { <p class="notice ok" data-testid="import-done">{format!("已导入：{summary}")}</p> }.into_any(),
                None if discarded => view! {
                    <p class="notice" role="status" data-testid="import-discarded">
                        "这个文件已放弃（或上传超过 24 小时），文件已删除，没有导入。需要时请重新上传。"
                    </p>
                }
                .into_any(),
                None => view! {
                    {outcome}
                    <button
                        type="button"
                        class="primary"
                        disabled=move || confirm.pending().get() || nothing_to_do
                        on:click=move |_| { confirm.dispatch(ImportConfirm { upload_id: id }); }
                    >
                        {move || if confirm.pending().get() { "正在导入……" } else { "确认导入" }}
                    </button>
                    " "
                    <button
                        type="button"
                        disabled=move || confirm.pending().get() || discard.pending().get()
                        on:click=move |_| { discard.dispatch(ImportDiscard { upload_id: id }); }
                    >
                        "放弃"
                    </button>
                    {discard_failed}
                    <p class="hint">"确认后一次写入全部正确的行；有错误的行不导入，可改正后重新上传（已导入的行会显示为“不变”）。确认或放弃后，服务器删除上传的文件；未确认的文件 24 小时后删除。"</p>
                }
                .into_any(),
            }}
        </section>
        {(refused_count > 0)
            .then(|| {
                view! {
                    <section class="card">
                        <h2>{format!("有错误的行（{refused_count}）")}</h2>
                        {(refused_count > listed)
                            .then(|| view! { <p class="hint">{format!("只列出前 {listed} 行。")}</p> })}
                        <div class="table-wrap">
                            <table data-testid="refused-rows">
                                <thead>
                                    <tr>
                                        <th scope="col">"行"</th>
                                        <th scope="col">"原因"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {refused
                                        .into_iter()
                                        .map(|(line, reason)| view! { <tr><td>{line}</td><td class="error">{reason}</td></tr> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </section>
                }
            })}
        <section class="card">
            <h2>"列的识别"</h2>
            <div class="table-wrap">
                <table data-testid="columns">
                    <thead>
                        <tr>
                            <th scope="col">"文件中的表头"</th>
                            <th scope="col">"识别为"</th>
                        </tr>
                    </thead>
                    <tbody>{columns}</tbody>
                </table>
            </div>
        </section>
        {(p.added_count > 0)
            .then(|| view! {
                <section class="card">
                    <h2>{format!("将新增（{}）", p.added_count)}</h2>
                    {rows_table("added-rows", p.added.clone())}
                </section>
            })}
        {(p.changed_count > 0)
            .then(|| view! {
                <section class="card">
                    <h2>{format!("将更新（{}）", p.changed_count)}</h2>
                    {rows_table("changed-rows", p.changed.clone())}
                </section>
            })}
        {(!p.warnings.is_empty())
            .then(|| view! {
                <section class="card">
                    <h2>{format!("提示（{}）：按原值导入，待学生核验", p.warning_count)}</h2>
                    <ul class="hint">
                        {p.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                    </ul>
                </section>
            })}
    }
    .into_any()
}
