//! The campaign (届 and windows): read by everyone logged in, set by 学校 staff.

use crate::domain::campaign::{Campaign, CampaignInput};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The campaign and the server's idea of today (Beijing), so pages count days the same way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignView {
    pub campaign: Campaign,
    pub today: chrono::NaiveDate,
}

#[server(prefix = "/api", endpoint = "load_campaign")]
pub async fn load_campaign() -> Result<CampaignView, AppError> {
    crate::server::auth::require_account().await?;
    let state = crate::server::AppState::current()?;
    let today = crate::server::windows::today();
    Ok(CampaignView {
        campaign: crate::server::db::campaign::load(&state.pool, today).await?,
        today,
    })
}

/// Sets or extends the campaign (学校 staff).
#[server(prefix = "/api", endpoint = "save_campaign", input = Json)]
pub async fn save_campaign(input: CampaignInput) -> Result<(), AppError> {
    use crate::server::db::{audit, begin_write, campaign};
    let staff = crate::server::auth::require_school_staff().await?;
    let state = crate::server::AppState::current()?;
    let parsed = input.parse().map_err(AppError::Validation)?;
    let today = crate::server::windows::today();
    let mut tx = begin_write(&state.pool).await?;
    let before = CampaignInput::of(&campaign::load(&mut *tx, today).await?);
    campaign::save(&mut *tx, &parsed, &staff.actor()).await?;
    let after = CampaignInput::of(&parsed);
    let changes = [
        ("cohort", &before.cohort, &after.cohort),
        ("school_name", &before.school_name, &after.school_name),
        (
            "student_opens_on",
            &before.student_opens_on,
            &after.student_opens_on,
        ),
        (
            "student_closes_on",
            &before.student_closes_on,
            &after.student_closes_on,
        ),
        (
            "review_opens_on",
            &before.review_opens_on,
            &after.review_opens_on,
        ),
        (
            "review_closes_on",
            &before.review_closes_on,
            &after.review_closes_on,
        ),
    ];
    let addr = crate::server::auth::client_addr();
    audit::record_changes(
        &mut tx,
        audit::Entry {
            actor: &staff.actor(),
            action: "campaign_changed",
            client_addr: addr.as_deref(),
            ..Default::default()
        },
        changes
            .iter()
            .map(|(f, o, n)| (*f, o.as_str(), n.as_str()))
            .collect::<Vec<_>>(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// 首次登录须修改默认密码 (学校 staff): whether a student still on the default password (the last
/// six characters of the 身份证号) must set their own before any other page answers.
#[server(prefix = "/api", endpoint = "load_first_login_change")]
pub async fn load_first_login_change() -> Result<bool, AppError> {
    crate::server::auth::require_school_staff().await?;
    let state = crate::server::AppState::current()?;
    Ok(crate::server::db::campaign::force_default_change(&state.pool).await?)
}

#[server(prefix = "/api", endpoint = "set_first_login_change")]
pub async fn set_first_login_change(on: bool) -> Result<(), AppError> {
    use crate::server::db::{audit, begin_write, campaign};
    let staff = crate::server::auth::require_school_staff().await?;
    let state = crate::server::AppState::current()?;
    let mut tx = begin_write(&state.pool).await?;
    campaign::set_force_default_change(&mut tx, on, &staff.actor()).await?;
    let addr = crate::server::auth::client_addr();
    audit::record(
        &mut *tx,
        audit::Entry {
            actor: &staff.actor(),
            action: "first_login_change",
            detail: Some(if on {
                "首次登录须修改默认密码：开启"
            } else {
                "首次登录须修改默认密码：关闭"
            }),
            client_addr: addr.as_deref(),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
