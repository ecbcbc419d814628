//! 附件4 / 附件5 numbers on a generated cohort: counted independently from the roster file, and
//! compared with the dashboard's numbers for the same data.

mod common;

use common::TestApp;
use shengyuan::domain::codes::{NORMAL_CATEGORIES, TRAINING_MODES, lookup};
use std::collections::BTreeMap;

#[derive(Default, Debug, PartialEq)]
struct Expected {
    undergraduates: i64,
    undergraduates_directed: i64,
    undergraduates_normal: i64,
    postgraduates: i64,
    postgraduates_directed: i64,
    classes: BTreeMap<String, i64>,
}

#[tokio::test]
async fn the_papers_count_what_the_roster_holds_and_agree_with_the_dashboard() {
    let app = TestApp::spawn().await;
    let (headers, rows) = shengyuan::server::demo::generate(&app.state.divisions, 600, 11);
    let csv = shengyuan::server::demo::to_csv(&headers, &rows).unwrap();
    let report = shengyuan::server::roster::import_csv(&app.state.pool, &csv)
        .await
        .unwrap();
    assert_eq!(report.refused, 0);

    // The expected numbers, straight from the file's columns (the fixture's 9 students on top).
    let all = format!(
        "{csv}\n{}",
        common::ROSTER
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
    );
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(all.as_bytes());
    let head = reader.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    for record in reader.records() {
        let r = record.unwrap();
        if r.get(0).is_none_or(|v| v == "学号" || v.is_empty()) {
            continue;
        }
        let e = expected.entry(r[col("院系")].to_string()).or_default();
        let mode = lookup(TRAINING_MODES, &r[col("培养方式")])
            .map(|c| c.code)
            .unwrap_or("1");
        let normal = lookup(NORMAL_CATEGORIES, &r[col("师范生类别")])
            .map(|c| c.code)
            .unwrap_or("2");
        let directed = matches!(mode, "2" | "4");
        match &r[col("学历层次")] {
            "本科" => {
                e.undergraduates += 1;
                e.undergraduates_directed += directed as i64;
                e.undergraduates_normal += matches!(normal, "1" | "12") as i64;
            }
            _ => {
                e.postgraduates += 1;
                e.postgraduates_directed += directed as i64;
            }
        }
        let class = match &r[col("班级")] {
            "" => "（未分班）".to_string(),
            c => c.to_string(),
        };
        *e.classes
            .entry(format!("{}/{}", &r[col("专业")], class))
            .or_default() += 1;
    }

    // The generated cohort exercises every count (otherwise zeros would agree trivially).
    let sum = |f: fn(&Expected) -> i64| expected.values().map(f).sum::<i64>();
    assert!(sum(|e| e.undergraduates_directed) > 0 && sum(|e| e.undergraduates_normal) > 0);
    assert!(
        sum(|e| e.postgraduates) > 0 && sum(|e| e.postgraduates_directed) > 0,
        "{expected:?}"
    );

    let school = app.staff("school").await;
    let papers = school.call("load_papers", &[]).await.expect("papers");
    let dashboard = school.call("load_dashboard", &[]).await.expect("dashboard");
    let colleges = papers["colleges"].as_array().unwrap();
    assert_eq!(colleges.len(), expected.len());
    for p in colleges {
        let name = p["college"].as_str().unwrap();
        let e = &expected[name];
        let l = &p["letter"];
        let n = |k: &str| l[k].as_i64().unwrap();
        assert_eq!(n("undergraduates"), e.undergraduates, "{name}");
        assert_eq!(
            n("undergraduates_directed"),
            e.undergraduates_directed,
            "{name}"
        );
        assert_eq!(
            n("undergraduates_undirected"),
            e.undergraduates - e.undergraduates_directed,
            "{name}"
        );
        assert_eq!(
            n("undergraduates_normal"),
            e.undergraduates_normal,
            "{name}"
        );
        assert_eq!(n("postgraduates"), e.postgraduates, "{name}");
        assert_eq!(
            n("postgraduates_directed"),
            e.postgraduates_directed,
            "{name}"
        );
        assert_eq!(
            n("postgraduates_undirected"),
            e.postgraduates - e.postgraduates_directed,
            "{name}"
        );

        // 附件5: every class with its number, the subtotals and the total.
        let t = &p["table"];
        let mut classes = BTreeMap::new();
        for section in ["undergraduate", "postgraduate"] {
            for block in t[section].as_array().unwrap() {
                let major = block["major"].as_str().unwrap();
                let sum: i64 = block["classes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c["graduates"].as_i64().unwrap())
                    .sum();
                assert_eq!(
                    block["major_total"].as_i64().unwrap(),
                    sum,
                    "{name} {major}"
                );
                for c in block["classes"].as_array().unwrap() {
                    classes.insert(
                        format!("{major}/{}", c["class_name"].as_str().unwrap()),
                        c["graduates"].as_i64().unwrap(),
                    );
                }
            }
        }
        assert_eq!(classes, e.classes, "{name}");
        assert_eq!(t["undergraduate_total"].as_i64().unwrap(), e.undergraduates);
        assert_eq!(t["postgraduate_total"].as_i64().unwrap(), e.postgraduates);

        // The dashboard shows the same college with the same number of students.
        let row = dashboard["colleges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["label"] == name)
            .unwrap();
        let total: i64 = row["by_status"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .sum();
        assert_eq!(
            t["total"].as_i64().unwrap(),
            total,
            "{name}: papers and dashboard agree"
        );
    }
    // And per 学历层次 over the school.
    let level_total = |label: &str| {
        dashboard["levels"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["label"] == label)
            .map(|l| {
                l["by_status"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_i64().unwrap())
                    .sum::<i64>()
            })
            .sum::<i64>()
    };
    let undergraduates: i64 = expected.values().map(|e| e.undergraduates).sum();
    assert_eq!(level_total("本科"), undergraduates);

    // A college sees its own papers only; the workbook downloads.
    let counselor = app.staff("math").await;
    let own = counselor
        .call("load_papers", &[("college_id", "999")])
        .await
        .expect("papers");
    assert_eq!(own["colleges"].as_array().unwrap().len(), 1);
    assert_eq!(own["colleges"][0]["college"], "数学与计算科学学院");
    let response = counselor.get("/staff/papers.xlsx").await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx");
}
