//! 问卷 (staff): statistics of the scope as bars; for 学校 the gate switch and the questions.

use crate::api::survey::{
    DeleteSurveyQuestion, InstallDefaultSurvey, MoveSurveyQuestion, QuestionStats,
    SaveSurveyQuestion, SetSurveyRequired, SurveyOverview, load_survey_overview,
};
use crate::components::{TopBar, failure_view};
use crate::domain::survey::Kind;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SurveyAdminPage() -> impl IntoView {
    let query = use_query_map();
    let college = move || query.with(|q| q.get("college").and_then(|c| c.parse::<i64>().ok()));
    let set_required = ServerAction::<SetSurveyRequired>::new();
    let install = ServerAction::<InstallDefaultSurvey>::new();
    let save = ServerAction::<SaveSurveyQuestion>::new();
    let delete = ServerAction::<DeleteSurveyQuestion>::new();
    let reorder = ServerAction::<MoveSurveyQuestion>::new();
    let overview = Resource::new(
        move || {
            (
                college(),
                set_required.version().get(),
                install.version().get(),
                save.version().get(),
                delete.version().get(),
                reorder.version().get(),
            )
        },
        |(c, ..)| load_survey_overview(c),
    );
    let message = move || {
        [
            set_required.value().get().and_then(|r| r.err()),
            install.value().get().and_then(|r| r.err()),
            save.value().get().and_then(|r| r.err()),
            delete.value().get().and_then(|r| r.err()),
            reorder.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
        .map(|e: AppError| view! { <p class="notice error" role="alert">{e.to_string()}</p> })
    };
    view! {
        <TopBar />
        <main class="page wide">
            <h1>"求职意向调研问卷"</h1>
            {message}
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    overview
                        .get()
                        .map(|result| match result {
                            Ok(o) => view! { <Overview o college=college() set_required install save delete reorder /> }.into_any(),
                            Err(e) => failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn Overview(
    o: SurveyOverview,
    college: Option<i64>,
    set_required: ServerAction<SetSurveyRequired>,
    install: ServerAction<InstallDefaultSurvey>,
    save: ServerAction<SaveSurveyQuestion>,
    delete: ServerAction<DeleteSurveyQuestion>,
    reorder: ServerAction<MoveSurveyQuestion>,
) -> impl IntoView {
    let required = o.required;
    let xlsx = match college {
        Some(id) => format!("/staff/survey.xlsx?college={id}"),
        None => "/staff/survey.xlsx".to_string(),
    };
    let picker = (!o.colleges.is_empty()).then(|| {
        let options = crate::components::id_options(o.colleges.clone(), college);
        view! {
            <form method="GET" action="/staff/survey" class="filters">
                <label>"范围" <select name="college"><option value="">"全校"</option>{options}</select></label>
                <button type="submit">"查看"</button>
            </form>
        }
    });
    let empty = o.stats.is_empty();
    let school_controls = o.is_school.then(|| {
        view! {
            <section class="card">
                <h2>"设置"</h2>
                <p data-testid="survey-gate">
                    {if required { "已开启：学生须先提交问卷，才能填写生源信息。" } else { "未开启：学生可直接填写生源信息。" }}
                </p>
                <p class="actions">
                    <button type="button" class="primary" on:click=move |_| { set_required.dispatch(SetSurveyRequired { required: !required }); }>
                        {if required { "关闭“先填问卷”" } else { "开启“先填问卷”" }}
                    </button>
                    {empty.then(|| view! {
                        <button type="button" on:click=move |_| { install.dispatch(InstallDefaultSurvey {}); }>"使用默认问卷"</button>
                    })}
                </p>
                {o.answered.then(|| view! { <p class="hint">"已有学生作答：题目只能修改措辞（题目文字、选项文字），不能增删题目、改题型或选项个数。"</p> })}
            </section>
        }
    });
    let editable = o.is_school;
    let answered = o.answered;
    let stats = o
        .stats
        .into_iter()
        .enumerate()
        .map(
            |(i, s)| view! { <QuestionCard index=i + 1 s editable save delete reorder answered /> },
        )
        .collect_view();
    view! {
        {picker}
        <section class="card">
            <h2 data-testid="survey-respondents">{format!("{}：已作答 {} 人 / 共 {} 人", o.scope, o.respondents, o.students)}</h2>
            <a class="button" href=xlsx download>"导出答卷（Excel，每人一行）"</a>
        </section>
        {school_controls}
        {stats}
        {(editable && !answered).then(|| view! { <NewQuestion save /> })}
    }
}

#[component]
fn QuestionCard(
    index: usize,
    s: QuestionStats,
    editable: bool,
    answered: bool,
    save: ServerAction<SaveSurveyQuestion>,
    delete: ServerAction<DeleteSurveyQuestion>,
    reorder: ServerAction<MoveSurveyQuestion>,
) -> impl IntoView {
    let q = s.question.clone();
    let max = s.counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let bars = (!s.counts.is_empty()).then(|| {
        let height = s.counts.len() as f64 * 26.0;
        let rows = s
            .counts
            .iter()
            .enumerate()
            .map(|(i, (label, n))| {
                let y = i as f64 * 26.0;
                let w = 180.0 * *n as f64 / max as f64;
                view! {
                    <text x="0" y=format!("{:.0}", y + 15.0) class="bar-label">{label.clone()}</text>
                    <rect x="120" y=format!("{:.0}", y + 4.0) width=format!("{w:.1}") height="14" class="seg-approved" />
                    <text x=format!("{:.1}", 124.0 + w) y=format!("{:.0}", y + 15.0) class="bar-label">{n.to_string()}</text>
                }
            })
            .collect_view();
        view! {
            <figure class="chart">
                <svg viewBox=format!("0 0 340 {height}") role="img" aria-label=q.prompt.clone()>{rows}</svg>
            </figure>
        }
    });
    let numbers = s.median.map(|m| {
        view! { <p>{format!("中位数 {:.0}，平均 {:.0}（{} 人作答）", m, s.mean.unwrap_or(m), s.answered)}</p> }
    });
    let edit = editable.then(|| {
        let prompt = RwSignal::new(q.prompt.clone());
        let options = RwSignal::new(q.options.join("\n"));
        let required = q.required;
        let kind = q.kind;
        let id = q.id;
        let choice = matches!(kind, Kind::Single | Kind::Multiple);
        view! {
            <details>
                <summary>"修改"</summary>
                <div class="form">
                    <div class="field">
                        <label for=format!("prompt-{id}")>"题目"</label>
                        <input id=format!("prompt-{id}") prop:value=move || prompt.get() on:input=move |ev| prompt.set(event_target_value(&ev)) />
                    </div>
                    {choice.then(|| view! {
                        <div class="field">
                            <label for=format!("options-{id}")>"选项（每行一个）"</label>
                            <textarea id=format!("options-{id}") rows="5" prop:value=move || options.get() on:input=move |ev| options.set(event_target_value(&ev))></textarea>
                        </div>
                    })}
                    <p class="actions">
                        <button type="button" on:click=move |_| { reorder.dispatch(MoveSurveyQuestion { id, up: true }); }>"上移"</button>
                        <button type="button" on:click=move |_| { reorder.dispatch(MoveSurveyQuestion { id, up: false }); }>"下移"</button>
                        <button type="button" on:click=move |_| { save.dispatch(SaveSurveyQuestion { id: Some(id), kind, prompt: prompt.get(), options: options.get(), required }); }>"保存"</button>
                        {(!answered).then(|| view! {
                            <button type="button" on:click=move |_| { delete.dispatch(DeleteSurveyQuestion { id }); }>"删除此题"</button>
                        })}
                    </p>
                </div>
            </details>
        }
    });
    view! {
        <section class="card" data-testid="survey-question">
            <h2>{format!("{index}. {}（{}{}）", q.prompt, q.kind.label(), if q.required { "，必答" } else { "" })}</h2>
            <p class="hint">{format!("{} 人作答", s.answered)}</p>
            {bars}
            {numbers}
            {edit}
        </section>
    }
}

#[component]
fn NewQuestion(save: ServerAction<SaveSurveyQuestion>) -> impl IntoView {
    let prompt = RwSignal::new(String::new());
    let options = RwSignal::new(String::new());
    let kind = RwSignal::new(Kind::Single);
    let required = RwSignal::new(true);
    view! {
        <section class="card form">
            <h2>"添加题目"</h2>
            <div class="field">
                <label for="new-kind">"题型"</label>
                <select id="new-kind" on:change=move |ev| kind.set(Kind::from_db(&event_target_value(&ev)).unwrap_or(Kind::Single))>
                    {[Kind::Single, Kind::Multiple, Kind::Text, Kind::Number]
                        .into_iter()
                        .map(|k| view! { <option value=k.as_db()>{k.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="new-prompt">"题目"</label>
                <input id="new-prompt" prop:value=move || prompt.get() on:input=move |ev| prompt.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="new-options">"选项（选择题，每行一个）"</label>
                <textarea id="new-options" rows="4" prop:value=move || options.get() on:input=move |ev| options.set(event_target_value(&ev))></textarea>
            </div>
            <label class="choice-option">
                <input type="checkbox" prop:checked=move || required.get() on:change=move |ev| required.set(event_target_checked(&ev)) />
                "必答"
            </label>
            <button
                type="button"
                class="primary"
                on:click=move |_| {
                    save.dispatch(SaveSurveyQuestion { id: None, kind: kind.get(), prompt: prompt.get(), options: options.get(), required: required.get() });
                }
            >
                "添加"
            </button>
        </section>
    }
}
