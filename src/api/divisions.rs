//! The GB/T 2260 division list for the cascading picker, fetched level by level.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivisionOption {
    pub code: String,
    pub name: String,
    pub has_children: bool,
}

/// Provinces for an empty `parent`, otherwise its children. Public data, cacheable (GET).
#[server(prefix = "/api", endpoint = "divisions", input = GetUrl)]
pub async fn division_children(parent: String) -> Result<Vec<DivisionOption>, AppError> {
    let state = crate::server::AppState::current()?;
    let parent = parent.trim();
    if !parent.is_empty() && !state.divisions.contains(parent) {
        return Err(AppError::NotFound);
    }
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("public, max-age=86400"),
        );
    }
    Ok(state
        .divisions
        .children(parent)
        .into_iter()
        .map(|d| DivisionOption {
            has_children: state.divisions.has_children(&d.code),
            code: d.code,
            name: d.name,
        })
        .collect())
}
