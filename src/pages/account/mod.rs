//! 账号安全 (own password and recovery e-mail) and 忘记密码 (recovery by e-mailed code).

use crate::api::account::{
    BindOutcome, BindRecoveryEmail, ChangePassword, ConfirmRecoveryEmail, ForgotPassword,
    RecoverPassword, SecuritySettings, load_security_settings,
};
use crate::components::{TextField, TopBar, failure_view};
use crate::domain::FieldErrors;
use crate::domain::password::{PasswordContext, check_new_password};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_navigate;

/// 新密码 and its confirmation, with the rules spelled out.
#[component]
fn NewPasswordFields(
    new: RwSignal<String>,
    confirm: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    view! {
        <TextField
            name="new_password"
            label="新密码"
            kind="password"
            autocomplete="new-password"
            value=new
            errors
            hint="至少 8 位；不能是初始密码，不能包含学号或身份证号"
        />
        <TextField
            name="confirm_password"
            label="再次输入新密码"
            kind="password"
            autocomplete="new-password"
            value=confirm
            errors
        />
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| load_security_settings());
    view! {
        <TopBar />
        <main class="page narrow">
            <h1>"账号安全"</h1>
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    settings
                        .get()
                        .map(|result| match result {
                            Ok(s) => view! { <AccountForms settings=s /> }.into_any(),
                            Err(e) => failure_view(e, "/login", "/login"),
                        })
                }}
            </Transition>
        </main>
    }
}

#[component]
fn AccountForms(settings: SecuritySettings) -> impl IntoView {
    let forced = settings.must_change_password;
    let is_student = settings.is_student;
    let email = settings.recovery_email.clone();
    let pending = settings.pending_email.clone();
    let why = if settings.on_default_password {
        "你正在使用初始密码（身份证号后六位），它容易被他人猜到。请先设置自己的新密码，然后才能继续使用系统。"
    } else {
        "你的密码已被重置为初始密码。请先设置新密码，然后才能继续使用系统。"
    };
    view! {
        {forced
            .then(|| {
                view! {
                    <p class="notice error" role="alert" data-testid="must-change">
                        {why}
                    </p>
                }
            })}
        <PasswordForm settings />
        {is_student.then(|| view! { <RecoveryEmailForm current=email pending /> })}
    }
}

#[component]
fn PasswordForm(settings: SecuritySettings) -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let done = RwSignal::new(false);
    let action = ServerAction::<ChangePassword>::new();
    let home = if settings.is_student {
        "/student"
    } else {
        "/staff"
    };
    let forced = settings.must_change_password;
    let navigate = use_navigate();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(())) => {
            errors.set(FieldErrors::new());
            current.set(String::new());
            new.set(String::new());
            confirm.set(String::new());
            done.set(true);
            if forced {
                navigate(home, Default::default());
            }
        }
        Some(Err(e)) => errors.set(e.into_field_errors()),
        None => {}
    });
    let login = settings.login.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        // The same rules as the server's, before anything is sent (the default password itself
        // never reaches the browser: the server refuses it).
        let ctx = PasswordContext {
            login: &login,
            default_password: None,
            id_number: None,
        };
        let mut found = FieldErrors::new();
        if current.with(String::is_empty) {
            found.push("current_password", "请输入当前密码");
        }
        found
            .0
            .extend(check_new_password(&new.get(), &confirm.get(), &ctx).0);
        errors.set(found.clone());
        if found.is_empty() {
            action.dispatch(ChangePassword {
                current_password: current.get(),
                new_password: new.get(),
                confirm_password: confirm.get(),
            });
        }
    };
    view! {
        <form class="card form" method="post" action=ChangePassword::url() on:submit=on_submit>
            <h2>"修改密码"</h2>
            <TextField
                name="current_password"
                label="当前密码"
                kind="password"
                autocomplete="current-password"
                value=current
                errors
                hint=if settings.is_student { "重置后的当前密码为身份证号后六位" } else { "" }
            />
            <NewPasswordFields new confirm errors />
            {crate::components::form_error(errors)}
            {move || done.get().then(|| view! { <p class="notice ok" role="status">"密码已修改。其他设备上的登录已退出。"</p> })}
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                "确认修改"
            </button>
        </form>
    }
}

#[component]
fn RecoveryEmailForm(current: Option<String>, pending: Option<String>) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let bound = RwSignal::new(current);
    // The new address a code was sent to, waiting for the code.
    let waiting = RwSignal::new(pending);
    let action = ServerAction::<BindRecoveryEmail>::new();
    let confirm = ServerAction::<ConfirmRecoveryEmail>::new();
    Effect::new(move |_| match action.value().get() {
        Some(Ok(outcome)) => {
            errors.set(FieldErrors::new());
            password.set(String::new());
            match outcome {
                BindOutcome::CodeSent(masked) => waiting.set(Some(masked)),
                BindOutcome::Unbound => {
                    bound.set(None);
                    waiting.set(None);
                }
            }
        }
        Some(Err(e)) => errors.set(e.into_field_errors()),
        None => {}
    });
    Effect::new(move |_| match confirm.value().get() {
        Some(Ok(masked)) => {
            errors.set(FieldErrors::new());
            code.set(String::new());
            email.set(String::new());
            waiting.set(None);
            bound.set(Some(masked));
        }
        Some(Err(e)) => errors.set(e.into_field_errors()),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = FieldErrors::new();
        let address = email.get();
        if !address.trim().is_empty()
            && let Err(m) = crate::domain::contact::parse_email(&address)
        {
            found.push("email", m);
        }
        if password.with(String::is_empty) {
            found.push("password", "请输入当前密码");
        }
        errors.set(found.clone());
        if found.is_empty() {
            action.dispatch(BindRecoveryEmail {
                email: address,
                password: password.get(),
            });
        }
    };
    let on_confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = code.get();
        if c.trim().len() != 6 || !c.trim().bytes().all(|b| b.is_ascii_digit()) {
            let mut found = FieldErrors::new();
            found.push("code", "请输入邮件中的 6 位数字验证码");
            errors.set(found);
            return;
        }
        confirm.dispatch(ConfirmRecoveryEmail { code: c });
    };
    view! {
        <form class="card form" method="post" action=BindRecoveryEmail::url() on:submit=on_submit>
            <h2>"找回密码邮箱"</h2>
            <p class="hint">
                {move || match bound.get() {
                    Some(a) => format!("已绑定：{a}。忘记密码时，验证码会发到这个邮箱。"),
                    None => "尚未绑定。绑定后，忘记密码时可以自己用邮件验证码重设密码。".to_string(),
                }}
            </p>
            <TextField
                name="email"
                label="邮箱地址（留空则解除绑定）"
                kind="email"
                autocomplete="email"
                inputmode="email"
                maxlength=crate::domain::limits::EMAIL.max
                value=email
                errors
            />
            <TextField
                name="password"
                label="登录密码（确认是本人）"
                kind="password"
                autocomplete="current-password"
                maxlength=crate::domain::limits::PASSWORD.max
                value=password
                errors
            />
            {crate::components::form_error(errors)}
            <button type="submit" class="primary" disabled=move || action.pending().get()>
                "保存"
            </button>
        </form>
        {move || {
            waiting
                .get()
                .map(|masked| {
                    view! {
                        <form class="card form" method="post" action=ConfirmRecoveryEmail::url() on:submit=on_confirm>
                            <h2>"确认新邮箱"</h2>
                            <p class="notice ok" role="status">
                                {format!("验证码已发送到 {masked}，请在 15 分钟内输入。输入正确后才会绑定这个邮箱。")}
                            </p>
                            <TextField
                                name="code"
                                label="邮件中的验证码"
                                inputmode="numeric"
                                autocomplete="one-time-code"
                                maxlength=6
                                value=code
                                errors
                            />
                            <button type="submit" class="primary" disabled=move || confirm.pending().get()>
                                "确认绑定"
                            </button>
                        </form>
                    }
                })
        }}
    }
}

/// 忘记密码: a code to the bound address, then the code and a new password.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let student_no = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let send = ServerAction::<ForgotPassword>::new();
    let recover = ServerAction::<RecoverPassword>::new();
    let sent = move || send.value().get().and_then(|r| r.ok());
    Effect::new(move |_| {
        if let Some(Err(e)) = send.value().get() {
            errors.set(e.into_field_errors());
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = recover.value().get() {
            errors.set(e.into_field_errors());
        }
    });
    let recovered = move || matches!(recover.value().get(), Some(Ok(())));
    let on_send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(FieldErrors::new());
        if student_no.with(|s| s.trim().is_empty()) {
            let mut e = FieldErrors::new();
            e.push("student_no", "请输入学号");
            errors.set(e);
            return;
        }
        send.dispatch(ForgotPassword {
            student_no: student_no.get(),
        });
    };
    let on_recover = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let no = student_no.get();
        let ctx = PasswordContext {
            login: no.trim(),
            default_password: None,
            id_number: None,
        };
        let mut found = check_new_password(&new.get(), &confirm.get(), &ctx);
        let c = code.get();
        if c.trim().len() != 6 || !c.trim().bytes().all(|b| b.is_ascii_digit()) {
            found.push("code", "请输入邮件中的 6 位数字验证码");
        }
        errors.set(found.clone());
        if found.is_empty() {
            recover.dispatch(RecoverPassword {
                student_no: no,
                code: c,
                new_password: new.get(),
                confirm_password: confirm.get(),
            });
        }
    };
    view! {
        <main class="page narrow login">
            <h1 class="brand">"找回密码"</h1>
            <Show
                when=recovered
                fallback=move || {
                    view! {
                        <form class="card form" method="post" action=ForgotPassword::url() on:submit=on_send>
                            <p class="hint">
                                "已绑定找回密码邮箱的同学，可以用邮件验证码自己重设密码。没有绑定邮箱的同学，请联系所在学院辅导员重置为初始密码。"
                            </p>
                            <TextField
                                name="student_no"
                                label="学号"
                                autocomplete="username"
                                inputmode="numeric"
                                value=student_no
                                errors
                            />
                            {move || sent().map(|m| view! { <p class="notice ok" role="status">{m}</p> })}
                            <button type="submit" class="primary" disabled=move || send.pending().get()>
                                "发送验证码"
                            </button>
                        </form>
                        <form class="card form" method="post" action=RecoverPassword::url() on:submit=on_recover>
                            <h2>"输入验证码，设置新密码"</h2>
                            <input type="hidden" name="student_no" prop:value=move || student_no.get() />
                            <TextField name="code" label="验证码" inputmode="numeric" autocomplete="one-time-code" value=code errors />
                            <NewPasswordFields new confirm errors />
                            {crate::components::form_error(errors)}
                            <button type="submit" class="primary" disabled=move || recover.pending().get()>
                                "重设密码"
                            </button>
                        </form>
                    }
                }
            >
                <p class="notice ok" role="status">"密码已重设。"</p>
                <p>
                    <a class="button primary" href="/login">"用新密码登录"</a>
                </p>
            </Show>
            <p>
                <a href="/login">"← 返回登录"</a>
            </p>
        </main>
    }
}
