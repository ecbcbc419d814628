//! 登录: one page with a 学生登录 and a 教师登录 tab.

use crate::api::auth::{Login, StaffLogin};
use crate::components::error_text;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn LoginPage() -> impl IntoView {
    view! { <LoginFrame staff=false /> }
}

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    view! { <LoginFrame staff=true /> }
}

#[component]
fn LoginFrame(staff: bool) -> impl IntoView {
    // After 退出: what was removed from this browser (read once, after hydration).
    let cleared = RwSignal::new(None::<usize>);
    Effect::new(move |_| cleared.set(crate::offline::take_cleared()));
    view! {
        <main class="page narrow login">
            <h1 class="brand">"毕业生生源信息采集核对"</h1>
            {move || {
                cleared
                    .get()
                    .map(|n| {
                        let text = if n == 0 {
                            "已退出。本机没有保存你的草稿。".to_string()
                        } else {
                            format!("已退出，并已清除本机保存的草稿（{n} 份），这台电脑上不再留有你的填写内容。")
                        };
                        view! { <p class="notice ok" role="status" data-testid="cleared">{text}</p> }
                    })
            }}
            <nav class="tabs" aria-label="登录方式">
                <A href="/login" attr:class=if staff { "tab" } else { "tab active" }>
                    "学生登录"
                </A>
                <A href="/staff/login" attr:class=if staff { "tab active" } else { "tab" }>
                    "教师登录"
                </A>
            </nav>
            {if staff { view! { <StaffLoginForm /> }.into_any() } else { view! { <StudentLoginForm /> }.into_any() }}
        </main>
    }
}

#[component]
fn StudentLoginForm() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = move || {
        login
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_text(&e))
    };
    view! {
        <ActionForm action=login attr:class="card form">
            <div class="field">
                <label for="student_no">"学号"</label>
                <input id="student_no" name="student_no" autocomplete="username" inputmode="numeric" required maxlength=crate::domain::limits::STUDENT_NO.max />
            </div>
            <div class="field">
                <label for="password">"密码"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required maxlength=crate::domain::limits::PASSWORD.max />
                <small class="hint">"初始密码为身份证号后六位（x 大小写均可）"</small>
            </div>
            <div class="field">
                <label class="check">
                    <input type="checkbox" name="keep_signed_in" value="on" />
                    "在本设备上保持登录"
                </label>
                <small class="hint">"公用电脑请不要勾选：不勾选时，关闭浏览器即退出登录。"</small>
            </div>
            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button type="submit" class="primary" disabled=move || login.pending().get()>
                "登录"
            </button>
            <p class="hint">
                <a href="/forgot">"忘记密码？"</a>
            </p>
            <p class="hint">"登录提示生源信息不存在？请联系所在学院辅导员新增。"</p>
        </ActionForm>
    }
}

#[component]
fn StaffLoginForm() -> impl IntoView {
    let login = ServerAction::<StaffLogin>::new();
    let error = move || {
        login
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| error_text(&e))
    };
    view! {
        <ActionForm action=login attr:class="card form">
            <div class="field">
                <label for="username">"用户名"</label>
                <input id="username" name="username" autocomplete="username" required maxlength=crate::domain::limits::USERNAME.max />
            </div>
            <div class="field">
                <label for="password">"密码"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required maxlength=crate::domain::limits::PASSWORD.max />
            </div>
            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button type="submit" class="primary" disabled=move || login.pending().get()>
                "登录"
            </button>
        </ActionForm>
    }
}
