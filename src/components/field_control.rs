use super::DivisionPicker;
use crate::domain::form::code_table;
use leptos::prelude::*;

/// The input for one field of the student's copy, chosen by its name: the cascading picker for
/// 生源所在地, a select for coded fields, a text input (with a fitting keyboard) otherwise.
/// Used by the student's form and by staff's 新增.
#[component]
pub fn FieldControl(
    name: &'static str,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] invalid: Signal<bool>,
    on_input: Callback<String>,
    on_blur: Callback<()>,
    /// Province → … → current origin, for the picker's first render.
    #[prop(optional)]
    origin_path: Vec<String>,
) -> impl IntoView {
    let aria_invalid = move || invalid.get().to_string();
    if name == "origin_code" {
        return view! { <DivisionPicker initial_path=origin_path on_change=on_input on_blur=on_blur invalid=invalid value=value /> }
            .into_any();
    }
    if let Some(table) = code_table(name) {
        return view! {
            <select
                id=name
                name=name
                aria-invalid=aria_invalid
                on:change=move |ev| on_input.run(event_target_value(&ev))
                on:blur=move |_| on_blur.run(())
            >
                <option value="">"请选择"</option>
                {table
                    .iter()
                    .map(|c| {
                        let is_selected = move || value.with(|v| v == c.code);
                        view! {
                            <option value=c.code selected=is_selected prop:selected=is_selected>
                                {c.name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
        .into_any();
    }
    let (kind, mode) = match name {
        "mobile" | "home_phone" => ("tel", "tel"),
        "email" => ("email", "email"),
        "qq" | "postcode" => ("text", "numeric"),
        _ => ("text", "text"),
    };
    view! {
        <input
            id=name
            name=name
            type=kind
            inputmode=mode
            aria-invalid=aria_invalid
            prop:value=move || value.get()
            on:input=move |ev| on_input.run(event_target_value(&ev))
            on:blur=move |_| on_blur.run(())
        />
    }
    .into_any()
}
