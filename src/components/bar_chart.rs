use crate::api::staff::Counts;
use crate::domain::status::Status;
use leptos::prelude::*;

const ROW: f64 = 46.0;
const WIDTH: f64 = 320.0;

/// One 100% bar per group, split by status (未核验, 学生已核, 审核不通过, 学院已审), with the group's
/// name, size and share reviewed above it. Server-rendered SVG that scales to the screen width;
/// colours come from the stylesheet (`.seg-<status>`).
#[component]
pub fn StatusBars(groups: Vec<Counts>, #[prop(into)] title: String) -> impl IntoView {
    let height = ROW * groups.len() as f64 + 4.0;
    let rows = groups
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            let y = i as f64 * ROW;
            let total = g.total();
            let approved = g.of(Status::Approved);
            let share = if total > 0 { approved * 100 / total } else { 0 };
            let mut x = 0.0;
            let segments = Status::ALL
                .iter()
                .map(|s| {
                    let n = g.of(*s);
                    let w = if total > 0 { WIDTH * n as f64 / total as f64 } else { 0.0 };
                    let seg = view! {
                        <rect
                            x=format!("{x:.1}")
                            y=format!("{:.1}", y + 20.0)
                            width=format!("{w:.1}")
                            height="16"
                            class=format!("seg-{}", s.as_db())
                        >
                            <title>{format!("{}：{} 人", s.label(), n)}</title>
                        </rect>
                    };
                    x += w;
                    seg
                })
                .collect_view();
            view! {
                <text x="0" y=format!("{:.1}", y + 14.0) class="bar-label">
                    {format!("{}　{} 人 · 已审 {}%", g.label, total, share)}
                </text>
                <rect x="0" y=format!("{:.1}", y + 20.0) width=WIDTH height="16" class="seg-empty" />
                {segments}
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {WIDTH} {height}")
                role="img"
                aria-label=title.clone()
                preserveAspectRatio="xMinYMin meet"
            >
                {rows}
            </svg>
            <figcaption>
                {title}
                <span class="legend">
                    {Status::ALL
                        .iter()
                        .map(|s| {
                            view! {
                                <span class="key">
                                    <svg viewBox="0 0 10 10" class="swatch" aria-hidden="true">
                                        <rect width="10" height="10" class=format!("seg-{}", s.as_db()) />
                                    </svg>
                                    {s.label()}
                                </span>
                            }
                        })
                        .collect_view()}
                </span>
            </figcaption>
        </figure>
    }
}
