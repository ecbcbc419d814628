//! 审核: the college's queue and the side-by-side detail page.

mod add;
mod detail;
mod queue;

pub use add::AddStudentPage;
pub use detail::ReviewDetailPage;
pub use queue::ReviewQueuePage;

use leptos::prelude::*;
use leptos_router::hooks::use_location;

const QUERY_KEYS: [&str; 8] = [
    "status", "college", "major", "class", "level", "differs", "q", "page",
];

/// The current URL's queue filters as a canonical query string (values re-encoded).
pub(crate) fn current_filter() -> Memo<String> {
    let location = use_location();
    Memo::new(move |_| {
        location.query.with(|params| {
            QUERY_KEYS
                .iter()
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
