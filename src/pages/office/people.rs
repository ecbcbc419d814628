//! 教师账号 (学校): create, rename, move, disable and re-password staff accounts.

use crate::api::staff_accounts::{
    CreateStaffAccount, ResetStaffPassword, StaffDirectory, StaffRow, UpdateStaffAccount,
    load_staff_directory,
};
use crate::components::{TextField, TopBar, failure_view};
use crate::domain::FieldErrors;
use crate::domain::staff::{check_display_name, check_username, normalize_username};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn StaffPeoplePage() -> impl IntoView {
    let create = ServerAction::<CreateStaffAccount>::new();
    let update = ServerAction::<UpdateStaffAccount>::new();
    let reset = ServerAction::<ResetStaffPassword>::new();
    let directory = Resource::new(
        move || {
            (
                create.version().get(),
                update.version().get(),
                reset.version().get(),
            )
        },
        |_| load_staff_directory(),
    );
    let message = move || {
        let outcome = |ok: &'static str, r: Option<Result<(), AppError>>| {
            r.map(|r| match r {
                Ok(()) => view! { <p class="notice ok" role="status">{ok}</p> }.into_any(),
                Err(e) => {
                    view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any()
                }
            })
        };
        outcome("已保存", update.value().get()).or(outcome(
            "已设置新的初始密码，对方下次登录须修改",
            reset.value().get(),
        ))
    };
    view! {
        <TopBar />
        <main class="page wide">
            <h1>"教师账号"</h1>
            {message}
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    directory
                        .get()
                        .map(|result| match result {
                            Ok(d) => view! { <Directory d create update reset /> }.into_any(),
                            Err(e) => failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

fn college_options(colleges: &[(i64, String)], selected: Option<i64>) -> impl IntoView + use<> {
    view! {
        <option value="" selected=selected.is_none()>"学校（全校）"</option>
        {crate::components::id_options(colleges.to_vec(), selected)}
    }
}

#[component]
fn Directory(
    d: StaffDirectory,
    create: ServerAction<CreateStaffAccount>,
    update: ServerAction<UpdateStaffAccount>,
    reset: ServerAction<ResetStaffPassword>,
) -> impl IntoView {
    let colleges = d.colleges.clone();
    let rows = d
        .staff
        .into_iter()
        .map(|s| view! { <StaffLine s colleges=colleges.clone() update reset /> })
        .collect_view();
    view! {
        <section class="card">
            <div class="table-wrap">
                <table data-testid="staff-accounts">
                    <thead>
                        <tr>
                            <th scope="col">"用户名"</th>
                            <th scope="col">"姓名"</th>
                            <th scope="col">"范围"</th>
                            <th scope="col">"状态"</th>
                            <th scope="col">"操作"</th>
                            <th scope="col">"新的初始密码"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        <CreateForm colleges=d.colleges create />
    }
}

#[component]
fn StaffLine(
    s: StaffRow,
    colleges: Vec<(i64, String)>,
    update: ServerAction<UpdateStaffAccount>,
    reset: ServerAction<ResetStaffPassword>,
) -> impl IntoView {
    let id = s.id;
    let name = RwSignal::new(s.display_name.clone());
    let college = RwSignal::new(s.college_id);
    let disabled = RwSignal::new(s.disabled);
    let password = RwSignal::new(String::new());
    let status = match (s.disabled, s.locked) {
        (true, _) => "已停用",
        (false, true) => "已锁定",
        (false, false) => "正常",
    };
    view! {
        <tr data-username=s.username.clone()>
            <td class="mono">{s.username.clone()}{s.is_self.then_some("（本人）")}</td>
            <td>
                <input aria-label="姓名" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </td>
            <td>
                <select aria-label="范围" on:change=move |ev| college.set(event_target_value(&ev).parse().ok())>
                    {college_options(&colleges, s.college_id)}
                </select>
            </td>
            <td>
                {status}
                <label class="inline">
                    <input type="checkbox" prop:checked=move || disabled.get() on:change=move |ev| disabled.set(event_target_checked(&ev)) />
                    "停用"
                </label>
            </td>
            <td>
                <button
                    type="button"
                    on:click=move |_| {
                        update.dispatch(UpdateStaffAccount { id, display_name: name.get(), college_id: college.get(), disabled: disabled.get() });
                    }
                >
                    "保存"
                </button>
            </td>
            <td>
                <input type="password" aria-label="新的初始密码" autocomplete="new-password" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                <button type="button" on:click=move |_| { reset.dispatch(ResetStaffPassword { id, password: password.get() }); }>
                    "设置"
                </button>
            </td>
        </tr>
    }
}

#[component]
fn CreateForm(
    colleges: Vec<(i64, String)>,
    create: ServerAction<CreateStaffAccount>,
) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let college = RwSignal::new(None::<i64>);
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let created = RwSignal::new(false);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(())) => {
            errors.set(FieldErrors::new());
            username.set(String::new());
            display_name.set(String::new());
            password.set(String::new());
            created.set(true);
        }
        Some(Err(e)) => errors.set(e.into_field_errors()),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.set(false);
        let mut found = FieldErrors::new();
        // The server's rules (src/domain/staff.rs), before anything is sent.
        if let Err(m) = check_username(&normalize_username(&username.get())) {
            found.push("username", m);
        }
        if let Err(m) = display_name.with(|n| check_display_name(n)) {
            found.push("display_name", m);
        }
        errors.set(found.clone());
        if found.is_empty() {
            create.dispatch(CreateStaffAccount {
                username: username.get(),
                display_name: display_name.get(),
                college_id: college.get(),
                password: password.get(),
            });
        }
    };
    view! {
        <form class="card form" on:submit=on_submit>
            <h2>"新建教师账号"</h2>
            <TextField name="username" label="用户名" value=username errors autocomplete="off" />
            <TextField name="display_name" label="姓名" value=display_name errors />
            <div class="field">
                <label for="college_id">"范围"</label>
                <select id="college_id" on:change=move |ev| college.set(event_target_value(&ev).parse().ok())>
                    {college_options(&colleges, None)}
                </select>
            </div>
            <TextField name="password" label="初始密码" kind="password" autocomplete="new-password" value=password errors hint="至少 8 位；对方首次登录后须修改" />
            {crate::components::form_error(errors)}
            {move || created.get().then(|| view! { <p class="notice ok" role="status">"账号已创建"</p> })}
            <button type="submit" class="primary" disabled=move || create.pending().get()>"创建"</button>
        </form>
    }
}
