//! Reusable views.

mod division_picker;
mod field_control;
mod record_fields;
mod top_bar;

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
