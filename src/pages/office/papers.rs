//! 附件4 and 附件5, laid out for A4 printing from the browser (and downloadable as .xlsx).

use crate::api::papers::{CollegePapers, PapersData, load_papers};
use crate::components::{TopBar, failure_view};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PapersPage() -> impl IntoView {
    let query = use_query_map();
    let college = move || query.with(|q| q.get("college").and_then(|c| c.parse::<i64>().ok()));
    let papers = Resource::new(college, load_papers);
    view! {
        <div class="no-print">
            <TopBar />
        </div>
        <main class="page wide papers">
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    papers
                        .get()
                        .map(|result| match result {
                            Ok(d) => view! { <Papers d college=college() /> }.into_any(),
                            Err(e) => failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn Papers(d: PapersData, college: Option<i64>) -> impl IntoView {
    let xlsx = match college {
        Some(id) => format!("/staff/papers.xlsx?college={id}"),
        None => "/staff/papers.xlsx".to_string(),
    };
    let choices = (!d.choices.is_empty()).then(|| {
        let options = crate::components::id_options(d.choices.clone(), college);
        view! {
            <form method="GET" action="/staff/papers" class="filters">
                <label>
                    "学院"
                    <select name="college">
                        <option value="" selected=college.is_none()>"全部学院"</option>
                        {options}
                    </select>
                </label>
                <button type="submit">"查看"</button>
            </form>
        }
    });
    let cohort = d.cohort.clone();
    let school = d.school_name.clone();
    let papers = d
        .colleges
        .into_iter()
        .map(|p| view! { <Letter p=p.clone() cohort=cohort.clone() /> <Summary p cohort=cohort.clone() school=school.clone() /> })
        .collect_view();
    view! {
        <div class="no-print">
            <h1>"附件4、附件5"</h1>
            <p class="hint">"由当前校库数据生成。用浏览器打印（A4，纵向）即可得到纸质材料；签名、盖章处留空。"</p>
            {choices}
            <p class="actions">
                <button type="button" class="primary" on:click=|_| print()>"打印"</button>
                <a class="button" href=xlsx download>"下载 Excel"</a>
            </p>
        </div>
        {papers}
    }
}

fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

#[component]
fn Letter(p: CollegePapers, cohort: String) -> impl IntoView {
    let l = p.letter.clone();
    let n = |v: i64| view! { <span class="fill">{v}</span> };
    view! {
        <article class="paper letter" data-testid="paper-4">
            <p class="attachment">"附件4："</p>
            <h2 class="paper-title">{format!("关于报送{cohort}毕业生资格审核材料的函")}</h2>
            <p>"招生就业处："</p>
            <p class="indent">
                {format!("根据《关于做好{cohort}毕业生生源信息采集核对的通知》要求，我院对{cohort}预计毕业生进行了认真审核。现将我院{cohort}")}
                {n(l.undergraduates)}"名预计本科毕业生其中定向生"{n(l.undergraduates_directed)}"名，非定向生"
                {n(l.undergraduates_undirected)}"名，其中是师范生"{n(l.undergraduates_normal)}"名。"{cohort.clone()}
                {n(l.postgraduates)}"名预计毕业研究生其中定向生"{n(l.postgraduates_directed)}"名，非定向生"
                {n(l.postgraduates_undirected)}"名。"
            </p>
            {(l.others > 0).then(|| view! { <p class="indent hint">{format!("（另有专科毕业生 {} 名，未列入上述人数。）", l.others)}</p> })}
            <p class="indent">"材料报上，请予备案。"</p>
            <p class="from">{p.college.clone()}</p>
            <div class="signatures">
                <span>"主管院领导签名："<span class="blank"></span></span>
                <span>"学院盖章："<span class="blank short"></span></span>
            </div>
            <p class="date">"年　　月　　日"</p>
        </article>
    }
}

#[component]
fn Summary(p: CollegePapers, cohort: String, school: String) -> impl IntoView {
    let rows = crate::domain::papers::table_rows(&p.table)
        .into_iter()
        .map(|(no, major, major_n, class, n, span)| {
            let total_row = no == "/" || major.ends_with("小计");
            view! {
                <tr class:subtotal=total_row>
                    <td>{no}</td>
                    {(span > 0).then(|| view! { <td rowspan=span.to_string()>{major}</td> <td rowspan=span.to_string()>{major_n}</td> })}
                    <td>{class}</td>
                    <td>{n}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <article class="paper summary" data-testid="paper-5">
            <p class="attachment">"附件5："</p>
            <h2 class="paper-title">{format!("{school}{}{cohort}毕业生资格审核汇总表", p.college)}</h2>
            <p class="form-line">
                <span>{format!("填报学院（盖章）：{}", p.college)}</span>
                <span>"填表时间：　　年　　月　　日"</span>
            </p>
            <table class="paper-table">
                <thead>
                    <tr>
                        <th scope="col">"序号"</th>
                        <th scope="col">"专业"</th>
                        <th scope="col">"专业人数"</th>
                        <th scope="col">"所在班级"</th>
                        <th scope="col">"毕业生人数"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="form-line">
                <span>"填表人："</span>
                <span>"办公室电话："</span>
                <span>"移动电话："</span>
            </p>
        </article>
    }
}
