//! Pages and server-function answers hold personal data: never cacheable, whatever a server
//! function called while rendering set; the public division list keeps its caching.

mod common;

use common::TestApp;

fn cache_control(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn every_page_and_server_function_answer_is_no_store() {
    let app = TestApp::spawn().await;
    let student = app.student("2019010001").await;
    let school = app.staff("school").await;
    let anonymous = app.client();
    let pages: Vec<String> = leptos_axum::generate_route_list(shengyuan::app::App)
        .iter()
        .map(|route| route.path().replace(":id", "1"))
        .collect();
    assert!(pages.len() > 20, "{pages:?}");
    for path in &pages {
        for (who, client) in [
            ("anonymous", &anonymous),
            ("student", &student),
            ("school", &school),
        ] {
            let response = client.get(path).await;
            assert_eq!(
                cache_control(&response),
                "no-store",
                "{who} {path} ({})",
                response.status()
            );
        }
    }
    let functions: Vec<(&str, http::Method)> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(functions.len() > 50, "{}", functions.len());
    for (path, method) in functions {
        let endpoint = path.trim_start_matches("/api/");
        for (who, client) in [
            ("anonymous", &anonymous),
            ("student", &student),
            ("school", &school),
        ] {
            let response = if method == http::Method::GET {
                client.get(&format!("{path}?parent=")).await
            } else {
                client.call_raw(endpoint, &[]).await
            };
            let expected = if path == "/api/divisions" {
                "public, max-age=86400"
            } else {
                "no-store"
            };
            assert_eq!(
                cache_control(&response),
                expected,
                "{who} {path} ({})",
                response.status()
            );
        }
    }
}

#[tokio::test]
async fn a_header_set_while_rendering_does_not_make_the_student_page_cacheable() {
    let app = TestApp::spawn().await;
    let student = app.student("2019010001").await;
    student
        .call("start_verification", &[])
        .await
        .expect("start");
    // The form renders the division picker, whose server function asks for public caching.
    let page = student.get("/student").await;
    assert_eq!(page.status(), 200);
    assert_eq!(cache_control(&page), "no-store");
    let body = page.text().await.unwrap();
    assert!(body.contains("生源所在地"), "the picker was rendered");
}
