//! 院系专业班级: the units imports create, corrected by staff (学校: every unit; a college: its
//! own majors and classes). Students follow their unit, so a rename shows everywhere at once.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: i64,
    pub name: String,
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgMajor {
    pub unit: OrgUnit,
    pub classes: Vec<OrgUnit>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgCollege {
    pub unit: OrgUnit,
    pub majors: Vec<OrgMajor>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgTree {
    pub colleges: Vec<OrgCollege>,
    /// 学校 may rename colleges; colleges only their majors and classes.
    pub may_edit_colleges: bool,
}

#[server(prefix = "/api", endpoint = "load_org")]
pub async fn load_org() -> Result<OrgTree, AppError> {
    let staff = crate::server::auth::require_staff().await?;
    let state = crate::server::AppState::current()?;
    let (colleges, majors, classes) =
        crate::server::db::org::tree(&state.pool, staff.college_id).await?;
    let unit = |id, name, code| OrgUnit { id, name, code };
    Ok(OrgTree {
        may_edit_colleges: staff.college_id.is_none(),
        colleges: colleges
            .into_iter()
            .map(|(cid, name, code)| OrgCollege {
                unit: unit(cid, name, code),
                majors: majors
                    .iter()
                    .filter(|(_, c, _, _)| *c == cid)
                    .map(|(mid, _, name, code)| OrgMajor {
                        unit: unit(*mid, name.clone(), code.clone()),
                        classes: classes
                            .iter()
                            .filter(|(_, m, _)| m == mid)
                            .map(|(kid, _, name)| unit(*kid, name.clone(), String::new()))
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// Renames a 院系 (`kind` = `college`, 学校 only), 专业 (`major`) or 班级 (`class`).
#[server(prefix = "/api", endpoint = "rename_org")]
pub async fn rename_org(
    kind: String,
    id: i64,
    name: String,
    #[server(default)] code: String,
) -> Result<(), AppError> {
    use crate::server::auth::{log_event, refuse, require_staff};
    use crate::server::db::org;
    let staff = require_staff().await?;
    let state = crate::server::AppState::current()?;
    let Some(college) = org::college_of(&state.pool, &kind, id).await? else {
        return Err(AppError::NotFound);
    };
    if (kind == "college" && staff.college_id.is_some())
        || staff.college_id.is_some_and(|own| own != college)
    {
        return Err(refuse(&staff.actor(), None, "修改其他学院的院系专业班级").await);
    }
    let name = name.trim();
    let code = code.trim();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(AppError::field("name", "请填写名称（最多 40 个字）"));
    }
    if !code.is_empty() && (code.len() > 12 || !code.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return Err(AppError::field(
            "code",
            "代码只能是字母和数字（最多 12 位）",
        ));
    }
    if !org::rename(&state.pool, &kind, id, name, code).await? {
        return Err(AppError::field("name", "同一级已有这个名称"));
    }
    log_event(
        &staff.actor(),
        "org_changed",
        None,
        Some(&format!("{kind} #{id} → {name} {code}")),
    )
    .await
}
