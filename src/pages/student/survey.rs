//! 求职意向调研问卷: answered before 生源信息 opens; answers can change until 生源信息 is submitted.

use crate::api::survey::{MySurvey, SubmitSurvey, load_my_survey};
use crate::components::{TopBar, failure_view};
use crate::domain::FieldErrors;
use crate::domain::survey::{Answers, Kind, Question, check};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn SurveyPage() -> impl IntoView {
    let survey = Resource::new(|| (), |_| load_my_survey());
    view! {
        <TopBar />
        <main class="page">
            <h1>"求职意向调研问卷"</h1>
            <p class="hint">"《“你想去 我来请”毕业生求职意向调研问卷》：请先完成问卷，再核对生源信息。提交生源信息之前可以随时修改答案。"</p>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    survey
                        .get()
                        .map(|result| match result {
                            Ok(s) => view! { <SurveyForm s /> }.into_any(),
                            Err(e) => failure_view(e, "/login", "/staff"),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn SurveyForm(s: MySurvey) -> impl IntoView {
    let answers = RwSignal::new(s.answers.clone());
    let errors = RwSignal::new(FieldErrors::new());
    let submit = ServerAction::<SubmitSurvey>::new();
    let navigate = use_navigate();
    let locked = s.locked;
    // Unsent answers live in this browser under the student's key until the server has them.
    let key = StoredValue::new(crate::offline::survey_key(&s.student_no));
    let saved_line = RwSignal::new(None::<String>);
    let server_answers = StoredValue::new(s.answers.clone());
    Effect::new(move |_| {
        // After hydration, once: answers typed before a reload or a lost connection come back.
        if locked {
            crate::offline::remove(&key.get_value());
        } else if let Some(local) = crate::offline::load::<Answers>(&key.get_value())
            && server_answers.with_value(|a| a != &local)
        {
            answers.set(local);
            saved_line.set(Some("已恢复本机保存的答案（尚未提交）".to_string()));
        }
    });
    let remember = move || {
        if locked {
            return;
        }
        let saved = answers.with_untracked(|a| crate::offline::store(&key.get_value(), a));
        if saved {
            saved_line.set(Some(format!(
                "答案已保存在本机 {}",
                crate::offline::clock()
            )));
        }
    };
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(())) => {
            crate::offline::remove(&key.get_value());
            navigate("/student", Default::default())
        }
        Some(Err(e)) => errors.set(e.into_field_errors()),
        None => {}
    });
    let questions = s.questions.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match check(&questions, &answers.get()) {
            Ok(clean) => {
                errors.set(FieldErrors::new());
                submit.dispatch(SubmitSurvey { answers: clean });
            }
            Err(e) => errors.set(e),
        }
    };
    let items = s
        .questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            view! {
                <QuestionInput
                    index=i + 1
                    q
                    answers
                    errors
                    disabled=locked
                    on_change=Callback::new(move |_| remember())
                />
            }
        })
        .collect_view();
    view! {
        {locked.then(|| view! { <p class="notice">"生源信息已提交，问卷答案不能再修改。"</p> })}
        {s.submitted_at.is_some().then(|| view! { <p class="notice ok" data-testid="survey-done">"问卷已提交。"</p> })}
        <form class="card form survey" on:submit=on_submit>
            {items}
            {crate::components::form_error(errors)}
            <p class="sync-line" data-testid="survey-sync">{move || saved_line.get()}</p>
            {(!locked)
                .then(|| view! {
                    <button type="submit" class="primary" disabled=move || submit.pending().get()>
                        "提交问卷"
                    </button>
                })}
        </form>
    }
}

fn set_answer(answers: RwSignal<Answers>, id: i64, values: Vec<String>, changed: Callback<()>) {
    answers.update(|a| {
        a.insert(id, values);
    });
    changed.run(());
}

#[component]
fn QuestionInput(
    index: usize,
    q: Question,
    answers: RwSignal<Answers>,
    errors: RwSignal<FieldErrors>,
    disabled: bool,
    /// After every change (the page keeps a copy in the browser).
    on_change: Callback<()>,
) -> impl IntoView {
    let id = q.id;
    let field = q.field();
    let message = {
        let field = field.clone();
        Signal::derive(move || errors.with(|e| e.get(&field).map(str::to_string)))
    };
    let has = move |option: &str| {
        answers.with(|a| a.get(&id).is_some_and(|v| v.iter().any(|x| x == option)))
    };
    let title = format!(
        "{index}. {}{}",
        q.prompt,
        if q.required { "（必答）" } else { "" }
    );
    let control = match q.kind {
        Kind::Single | Kind::Multiple => {
            let multiple = q.kind == Kind::Multiple;
            q.options
                .iter()
                .map(|o| {
                    let option = o.clone();
                    let for_change = o.clone();
                    let checked = move || has(&option);
                    view! {
                        <label class="choice-option">
                            <input
                                type=if multiple { "checkbox" } else { "radio" }
                                name=field.clone()
                                value=o.clone()
                                disabled=disabled
                                prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let mut values = answers.with(|a| a.get(&id).cloned().unwrap_or_default());
                                    if !multiple {
                                        values.clear();
                                    }
                                    values.retain(|v| v != &for_change);
                                    if on {
                                        values.push(for_change.clone());
                                    }
                                    set_answer(answers, id, values, on_change);
                                }
                            />
                            {o.clone()}
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        Kind::Text => view! {
            <textarea
                name=field.clone()
                rows="3"
                maxlength="200"
                disabled=disabled
                prop:value=move || answers.with(|a| a.get(&id).and_then(|v| v.first().cloned()).unwrap_or_default())
                on:input=move |ev| set_answer(answers, id, vec![event_target_value(&ev)], on_change)
            ></textarea>
        }
        .into_any(),
        Kind::Number => view! {
            <input
                name=field.clone()
                inputmode="decimal"
                disabled=disabled
                prop:value=move || answers.with(|a| a.get(&id).and_then(|v| v.first().cloned()).unwrap_or_default())
                on:input=move |ev| set_answer(answers, id, vec![event_target_value(&ev)], on_change)
            />
        }
        .into_any(),
    };
    view! {
        <fieldset class="question" aria-invalid=move || message.with(Option::is_some).to_string()>
            <legend>{title}</legend>
            {control}
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </fieldset>
    }
}
