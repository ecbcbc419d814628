//! Reusable views.

mod bar_chart;
mod division_picker;
mod field_control;
mod record_fields;
mod top_bar;

pub use bar_chart::StatusBars;
pub use division_picker::DivisionPicker;
pub use field_control::FieldControl;
pub use record_fields::RecordFields;
pub use top_bar::TopBar;

use crate::domain::status::Status;
use crate::error::AppError;
use leptos::prelude::*;

/// A message for a person: validation errors joined, others as they read.
pub fn error_text(error: &AppError) -> String {
    error.to_string()
}

#[component]
pub fn StatusBadge(#[prop(into)] status: Signal<Status>) -> impl IntoView {
    view! {
        <span class=move || format!("badge status-{}", status.get().as_db()) data-testid="status-badge">
            {move || status.get().label()}
        </span>
    }
}

/// A stored RFC 3339 time in Beijing time (UTC+8), formatted with `format` (chrono syntax).
pub fn beijing_time(rfc3339: &str, format: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| (t + chrono::Duration::hours(8)).format(format).to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// The grey, read-only 学籍 fields: (label, text) pairs as the server prepared them.
#[component]
pub fn SchoolFieldList(#[prop(into)] fields: Signal<Vec<(String, String)>>) -> impl IntoView {
    view! {
        <dl class="school-fields">
            {move || {
                fields
                    .get()
                    .into_iter()
                    .map(|(label, value)| {
                        view! {
                            <div class="readonly">
                                <dt>{label}</dt>
                                <dd>{value}</dd>
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </dl>
    }
}

/// `<option>`s for a select of (id, name) pairs, `selected` chosen.
pub fn id_options(items: Vec<(i64, String)>, selected: Option<i64>) -> impl IntoView {
    items
        .into_iter()
        .map(|(id, name)| view! { <option value=id.to_string() selected=selected == Some(id)>{name}</option> })
        .collect_view()
}

/// The form-wide error (`form` in the errors: not about one field), as an alert.
pub fn form_error(errors: RwSignal<crate::domain::FieldErrors>) -> impl IntoView {
    move || {
        errors
            .with(|e| e.get("form").map(str::to_string))
            .map(|m| view! { <p class="notice error" role="alert">{m}</p> })
    }
}

/// What a page shows when its data could not be loaded: the login page when the session ended,
/// the password page when a change is due, `elsewhere` (the other role's home) when the account
/// may not see this page, and the message otherwise.
pub fn failure_view(error: AppError, login: &'static str, elsewhere: &'static str) -> AnyView {
    use leptos_router::components::Redirect;
    match error {
        AppError::Unauthenticated => view! { <Redirect path=login /> }.into_any(),
        AppError::PasswordChangeRequired => view! { <Redirect path="/account" /> }.into_any(),
        AppError::SurveyRequired => view! { <Redirect path="/student/survey" /> }.into_any(),
        AppError::Forbidden => view! { <Redirect path=elsewhere /> }.into_any(),
        e => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
    }
}

/// The current URL's query, reduced to `keys` and re-encoded in that order: a stable key for
/// resources that load what the URL's filters ask for.
pub fn query_of(keys: &'static [&'static str]) -> Memo<String> {
    let location = leptos_router::hooks::use_location();
    Memo::new(move |_| {
        location.query.with(|params| {
            keys.iter()
                .filter_map(|key| {
                    params
                        .get(key)
                        .map(|v| format!("{key}={}", crate::api::review::percent_encode(&v)))
                })
                .collect::<Vec<_>>()
                .join("&")
        })
    })
}

/// A labelled text input bound to `value`, showing the message `errors` has for `name`.
#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<crate::domain::FieldErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(optional)] hint: &'static str,
    /// The longest value the server accepts (`domain::limits`): the browser stops there too.
    #[prop(optional)]
    maxlength: Option<usize>,
) -> impl IntoView {
    let message = move || errors.with(|e| e.get(name).map(str::to_string));
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                aria-invalid=move || message().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {(!hint.is_empty()).then(|| view! { <small class="hint">{hint}</small> })}
            {move || message().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </div>
    }
}
