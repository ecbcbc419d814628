//! What the browser fetches to work without a network: the service worker and the division list.

mod common;

use common::TestApp;

#[tokio::test]
async fn the_service_worker_is_served_with_its_version_and_a_narrow_policy() {
    let app = TestApp::spawn().await;
    let response = app.client().get("/sw.js").await;
    assert_eq!(response.status(), 200);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert!(header("content-type").starts_with("text/javascript"));
    assert_eq!(header("cache-control"), "no-cache");
    assert_eq!(
        header("content-security-policy"),
        "default-src 'none'; connect-src 'self'"
    );
    let body = response.text().await.unwrap();
    assert!(!body.contains("__VERSION__") && !body.contains("__PKG__"));
    let version = body
        .split("const VERSION = \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a version");
    assert_eq!(version.len(), 16, "{version}");
    assert!(body.contains("\"/pkg/"), "the bundle's files are precached");
}

#[tokio::test]
async fn the_division_list_answers_every_level_of_the_picker() {
    let app = TestApp::spawn().await;
    let response = app.client().get("/divisions.json").await;
    assert_eq!(response.status(), 200);
    let all: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let provinces = all[""].as_array().expect("provinces");
    assert!(provinces.len() >= 31, "{}", provinces.len());
    assert!(
        provinces
            .iter()
            .any(|p| p[0] == "430000" && p[1] == "湖南省" && p[2] == true)
    );
    let zhuzhou = all["430200"].as_array().expect("株洲市's districts");
    assert!(
        zhuzhou
            .iter()
            .any(|c| c[0] == "430202" && c[1] == "荷塘区" && c[2] == false)
    );
    // The same answers as the picker's server function.
    let live: serde_json::Value = serde_json::from_str(
        &app.client()
            .get("/api/divisions?parent=430200")
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let from_list: Vec<&str> = zhuzhou.iter().map(|c| c[0].as_str().unwrap()).collect();
    let from_server: Vec<&str> = live
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(from_list, from_server);
}
