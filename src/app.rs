//! The HTML shell, the app and its routes.

use crate::pages::account::{AccountPage, ForgotPasswordPage};
use crate::pages::auth::{LoginPage, StaffLoginPage};
use crate::pages::office::{
    CampaignPage, CohortPage, ImportPage, ImportPreviewPage, OrgPage, PapersPage, StaffPeoplePage,
    SurveyAdminPage,
};
use crate::pages::review::{AddStudentPage, ReviewDetailPage, ReviewQueuePage};
use crate::pages::staff::{SecurityLogPage, StaffAccountsPage, StaffHomePage};
use crate::pages::student::{NotificationsPage, StudentInfoPage, SurveyPage};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#1f5fa8" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icon-192.png" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // After hydration: the worker that lets the 生源信息 page open without a network.
    Effect::new(|_| crate::offline::register_service_worker());
    view! {
        <Stylesheet id="leptos" href="/pkg/shengyuan.css" />
        <Title text="生源信息采集核对" />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/login" /> } />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/staff/login") view=StaffLoginPage />
                <Route path=path!("/student") view=StudentInfoPage />
                <Route path=path!("/student/notifications") view=NotificationsPage />
                <Route path=path!("/student/survey") view=SurveyPage />
                <Route path=path!("/staff") view=StaffHomePage />
                <Route path=path!("/staff/accounts") view=StaffAccountsPage />
                <Route path=path!("/staff/security") view=SecurityLogPage />
                <Route path=path!("/staff/campaign") view=CampaignPage />
                <Route path=path!("/staff/import") view=ImportPage />
                <Route path=path!("/staff/import/:id") view=ImportPreviewPage />
                <Route path=path!("/staff/cohort") view=CohortPage />
                <Route path=path!("/staff/people") view=StaffPeoplePage />
                <Route path=path!("/staff/org") view=OrgPage />
                <Route path=path!("/staff/papers") view=PapersPage />
                <Route path=path!("/staff/survey") view=SurveyAdminPage />
                <Route path=path!("/account") view=AccountPage />
                <Route path=path!("/forgot") view=ForgotPasswordPage />
                <Route path=path!("/review") view=ReviewQueuePage />
                <Route path=path!("/review/new") view=AddStudentPage />
                <Route path=path!("/review/:id") view=ReviewDetailPage />
            </Routes>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="page narrow">
            <h1>"页面不存在"</h1>
            <p>
                <a href="/login">"返回登录页"</a>
            </p>
        </main>
    }
}
