//! Reusable views.

mod division_picker;
mod top_bar;

pub use division_picker::DivisionPicker;
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
