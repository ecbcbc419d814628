//! 院系专业班级: rename units (and set their codes) after an import.

use crate::api::org::{OrgTree, OrgUnit, RenameOrg, load_org};
use crate::components::{TopBar, failure_view};
use leptos::prelude::*;

#[component]
pub fn OrgPage() -> impl IntoView {
    let rename = ServerAction::<RenameOrg>::new();
    let tree = Resource::new(move || rename.version().get(), |_| load_org());
    let message = move || {
        rename.value().get().map(|r| match r {
            Ok(()) => view! { <p class="notice ok" role="status">"已保存"</p> }.into_any(),
            Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <TopBar />
        <main class="page wide">
            <h1>"院系专业班级"</h1>
            <p class="hint">"导入名单时自动建立；在这里更正名称和代码，学生随之更新。"</p>
            {message}
            <Transition fallback=|| view! { <p class="hint">"正在加载……"</p> }>
                {move || {
                    tree.get()
                        .map(|result| match result {
                            Ok(t) => view! { <Tree t rename /> }.into_any(),
                            Err(e) => failure_view(e, "/staff/login", "/student"),
                        })
                }}
            </Transition>
        </main>
    }
}

/// One unit: its name (and code) as inputs and a 保存 button, or plain text when not editable.
#[component]
fn UnitEditor(
    kind: &'static str,
    unit: OrgUnit,
    editable: bool,
    with_code: bool,
    rename: ServerAction<RenameOrg>,
) -> impl IntoView {
    if !editable {
        return view! { <span>{format!("{} {}", unit.name, unit.code)}</span> }.into_any();
    }
    let id = unit.id;
    let name = RwSignal::new(unit.name.clone());
    let code = RwSignal::new(unit.code.clone());
    view! {
        <span class="unit-editor">
            <input aria-label="名称" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            {with_code
                .then(|| view! {
                    <input class="code" aria-label="代码" placeholder="代码" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                })}
            <button
                type="button"
                on:click=move |_| {
                    rename.dispatch(RenameOrg { kind: kind.to_string(), id, name: name.get(), code: code.get() });
                }
            >
                "保存"
            </button>
        </span>
    }
    .into_any()
}

#[component]
fn Tree(t: OrgTree, rename: ServerAction<RenameOrg>) -> impl IntoView {
    let may_edit_colleges = t.may_edit_colleges;
    t.colleges
        .into_iter()
        .map(|c| {
            let majors = c
                .majors
                .into_iter()
                .map(|m| {
                    let classes = m
                        .classes
                        .into_iter()
                        .map(|k| view! { <li><UnitEditor kind="class" unit=k editable=true with_code=false rename /></li> })
                        .collect_view();
                    view! {
                        <li>
                            <UnitEditor kind="major" unit=m.unit editable=true with_code=true rename />
                            <ul class="classes">{classes}</ul>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="card">
                    <h2>
                        <UnitEditor kind="college" unit=c.unit editable=may_edit_colleges with_code=true rename />
                    </h2>
                    <ul class="majors">{majors}</ul>
                </section>
            }
        })
        .collect_view()
}
