//! 新增: staff add a missing student with every field filled.

use crate::api::records::{AddStudent, college_choices};
use crate::components::{FieldControl, RecordFields, TopBar};
use crate::domain::FieldErrors;
use crate::domain::codes::EducationLevel;
use crate::domain::form::{FIELDS, StudentContext, VerificationInput};
use crate::domain::record::RecordInput;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn AddStudentPage() -> impl IntoView {
    let choices = Resource::new(|| (), |_| college_choices());
    view! {
        <TopBar />
        <main class="page wide">
            <p>
                <a href="/review">"← 返回审核队列"</a>
            </p>
            <h1>"新增学生"</h1>
            <p class="hint">"用于学生登录时提示“生源信息不存在”的情况（如复学学生）。每一项都须填写；新增后学生可用学号和身份证号后六位登录。"</p>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    choices
                        .get()
                        .map(|result| match result {
                            Ok(c) => view! { <AddStudentForm own=c.own all=c.all /> }.into_any(),
                            Err(e) => crate::components::failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn AddStudentForm(own: Option<String>, all: Vec<String>) -> impl IntoView {
    let college_editable = own.is_none();
    let record = RwSignal::new(RecordInput {
        college: own.unwrap_or_default(),
        ..Default::default()
    });
    let values = RwSignal::new(VerificationInput::default());
    let errors = RwSignal::new(FieldErrors::new());
    let add = ServerAction::<AddStudent>::new();
    let navigate = use_navigate();
    Effect::new(move |_| match add.value().get() {
        Some(Ok(id)) => navigate(&format!("/review/{id}?status=all"), Default::default()),
        Some(Err(e)) => errors.set(e.into_field_errors()),
        None => {}
    });
    // The same rules as the server's, before anything is sent.
    let check = move || {
        let mut found = FieldErrors::new();
        let level = match record.with(|r| r.parse(true)) {
            Ok((_, level)) => Some(level),
            Err(e) => {
                found.0.extend(e.iter().cloned());
                record.with(|r| EducationLevel::parse(&r.education_level))
            }
        };
        match level {
            Some(level) => {
                if let Err(e) = values.with(|v| v.parse(&StudentContext { level })) {
                    found.0.extend(e.iter().cloned());
                }
            }
            None => found.push("training_mode", "请先选择学历层次"),
        }
        found
    };
    let on_add = move |_| {
        let found = check();
        if found.is_empty() {
            add.dispatch(AddStudent {
                record: record.get_untracked(),
                values: values.get_untracked(),
            });
        } else {
            errors.set(found);
        }
    };
    let error_of = move |name: &'static str| errors.with(|e| e.get(name).map(str::to_string));
    view! {
        <section class="card">
            <h2>"学籍信息"</h2>
            <RecordFields record=record errors=errors college_editable=college_editable colleges=all />
        </section>
        <section class="card">
            <h2>"生源信息"</h2>
            <div class="fields">
                {FIELDS
                    .iter()
                    .map(|(name, label)| {
                        let name: &'static str = name;
                        view! {
                            <div class="field" class:has-error=move || error_of(name).is_some()>
                                <label for=name>{*label}</label>
                                <FieldControl
                                    name=name
                                    value=Signal::derive(move || values.with(|v| v.get(name).to_string()))
                                    invalid=Signal::derive(move || error_of(name).is_some())
                                    on_input=Callback::new(move |v: String| values.update(|f| f.set(name, v)))
                                    on_blur=Callback::new(|_| ())
                                />
                                {move || error_of(name).map(|e| view! { <p class="error" role="alert">{e}</p> })}
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </section>
        {move || error_of("form").map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
        <div class="actions">
            <button class="primary" disabled=move || add.pending().get() on:click=on_add>
                "新增"
            </button>
        </div>
    }
}
