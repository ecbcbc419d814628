//! The school office's pages (some shared with colleges): campaign, import, cohort changes.

mod campaign;
mod cohort;
mod import;
mod org;
mod papers;
mod people;
mod survey;

pub use campaign::{CampaignPage, standing_text};
pub use cohort::CohortPage;
pub use import::{ImportPage, ImportPreviewPage};
pub use org::OrgPage;
pub use papers::PapersPage;
pub use people::StaffPeoplePage;
pub use survey::SurveyAdminPage;
