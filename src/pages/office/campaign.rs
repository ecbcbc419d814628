//! 活动设置 (学校): the cohort, the school's name and the two windows.

use crate::api::campaign::{
    CampaignView, SaveCampaign, SetFirstLoginChange, load_campaign, load_first_login_change,
};
use crate::components::{TextField, TopBar, failure_view};
use crate::domain::FieldErrors;
use crate::domain::campaign::{CampaignInput, Standing, Window};
use leptos::prelude::*;

/// "进行中，还剩 5 天" / "尚未开始" / "已截止" for a window.
pub fn standing_text(window: &Window, today: chrono::NaiveDate) -> String {
    match window.standing(today) {
        Standing::NotYetOpen => format!("尚未开始（{}）", window.describe()),
        Standing::Open(Some(days)) => format!("进行中，还剩 {days} 天（{}）", window.describe()),
        Standing::Open(None) => format!("进行中（{}）", window.describe()),
        Standing::Closed => format!("已截止（{}）", window.describe()),
    }
}

#[component]
pub fn CampaignPage() -> impl IntoView {
    let save = ServerAction::<SaveCampaign>::new();
    let campaign = Resource::new(move || save.version().get(), |_| load_campaign());
    view! {
        <TopBar />
        <main class="page narrow">
            <h1>"活动设置"</h1>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    campaign
                        .get()
                        .map(|result| match result {
                            Ok(c) => view! { <CampaignForm view=c save /> }.into_any(),
                            Err(e) => failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
            <FirstLoginChange />
        </main>
    }
}

/// 首次登录须修改默认密码: the switch and what it means.
#[component]
fn FirstLoginChange() -> impl IntoView {
    let set = ServerAction::<SetFirstLoginChange>::new();
    let on = Resource::new(move || set.version().get(), |_| load_first_login_change());
    view! {
        <section class="card" aria-labelledby="first-login-change">
            <h2 id="first-login-change">"首次登录须修改默认密码"</h2>
            <p class="hint">
                "学生的初始密码是身份证号后六位。开启后，仍在使用初始密码的学生登录后须先设置自己的密码，才能使用其他功能（建议保持开启）。"
            </p>
            <Transition fallback=|| ()>
                {move || {
                    on.get()
                        .map(|result| match result {
                            Ok(on) => {
                                view! {
                                    <p data-testid="first-login-change">{if on { "当前：已开启" } else { "当前：已关闭" }}</p>
                                    <button type="button" class=if on { "" } else { "primary" } on:click=move |_| {
                                        set.dispatch(SetFirstLoginChange { on: !on });
                                    }>{if on { "关闭" } else { "开启" }}</button>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn CampaignForm(view: CampaignView, save: ServerAction<SaveCampaign>) -> impl IntoView {
    let input = CampaignInput::of(&view.campaign);
    let cohort = RwSignal::new(input.cohort);
    let school_name = RwSignal::new(input.school_name);
    let student_opens_on = RwSignal::new(input.student_opens_on);
    let student_closes_on = RwSignal::new(input.student_closes_on);
    let review_opens_on = RwSignal::new(input.review_opens_on);
    let review_closes_on = RwSignal::new(input.review_closes_on);
    let errors = RwSignal::new(FieldErrors::new());
    let saved = RwSignal::new(false);
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            errors.set(FieldErrors::new());
            saved.set(true);
        }
        Some(Err(e)) => errors.set(e.into_field_errors()),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let input = CampaignInput {
            cohort: cohort.get(),
            school_name: school_name.get(),
            student_opens_on: student_opens_on.get(),
            student_closes_on: student_closes_on.get(),
            review_opens_on: review_opens_on.get(),
            review_closes_on: review_closes_on.get(),
        };
        match input.parse() {
            Ok(_) => {
                errors.set(FieldErrors::new());
                save.dispatch(SaveCampaign { input });
            }
            Err(e) => errors.set(e),
        }
    };
    let today = view.today;
    view! {
        <section class="card">
            <h2>{format!("{} · {}", view.campaign.cohort, view.campaign.school_name)}</h2>
            <p data-testid="student-window">{format!("学生填报：{}", standing_text(&view.campaign.students, today))}</p>
            <p data-testid="review-window">{format!("学院审核：{}", standing_text(&view.campaign.review, today))}</p>
            <p class="hint">"窗口之外，学生不能修改或提交，学院不能审核（学校管理员不受限制，可随时延长）。日期按北京时间，首尾两天都包括在内；留空表示不限。"</p>
        </section>
        <form class="card form" on:submit=on_submit>
            <TextField name="cohort" label="届别" value=cohort errors hint="如 2023届" />
            <TextField name="school_name" label="学校名称" value=school_name errors hint="打印附件时使用" />
            <TextField name="student_opens_on" label="学生填报开始" kind="date" value=student_opens_on errors />
            <TextField name="student_closes_on" label="学生填报截止" kind="date" value=student_closes_on errors />
            <TextField name="review_opens_on" label="学院审核开始" kind="date" value=review_opens_on errors />
            <TextField name="review_closes_on" label="学院审核截止" kind="date" value=review_closes_on errors />
            {crate::components::form_error(errors)}
            {move || saved.get().then(|| view! { <p class="notice ok" role="status">"已保存"</p> })}
            <button type="submit" class="primary" disabled=move || save.pending().get()>
                "保存"
            </button>
        </form>
    }
}
