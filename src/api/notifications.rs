//! A student's in-app notifications (review results).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub at: String,
    pub title: String,
    pub body: String,
    pub unread: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<NotificationView>,
}

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn my_notifications() -> Result<Inbox, AppError> {
    use crate::server::db::notifications;
    let student = crate::server::auth::require_student().await?;
    let state = crate::server::AppState::current()?;
    let items = notifications::list(&state.pool, student.id).await?;
    Ok(Inbox {
        unread: notifications::unread_count(&state.pool, student.id).await?,
        items: items
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                at: n.at,
                title: n.title,
                body: n.body,
                unread: n.read_at.is_none(),
            })
            .collect(),
    })
}

#[server(prefix = "/api", endpoint = "notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let student = crate::server::auth::require_student().await?;
    let state = crate::server::AppState::current()?;
    crate::server::db::notifications::mark_all_read(&state.pool, student.id).await?;
    Ok(())
}
