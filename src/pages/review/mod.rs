//! 审核: the college's queue and the side-by-side detail page.

mod add;
mod detail;
mod queue;

pub use add::AddStudentPage;
pub use detail::ReviewDetailPage;
pub use queue::ReviewQueuePage;

use leptos::prelude::*;

const QUERY_KEYS: &[&str] = &[
    "status", "college", "major", "class", "level", "differs", "q", "page",
];

/// The current URL's queue filters as a canonical query string (values re-encoded).
pub(crate) fn current_filter() -> Memo<String> {
    crate::components::query_of(QUERY_KEYS)
}
