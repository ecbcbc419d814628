use crate::domain::FieldErrors;
use crate::domain::codes::EducationLevel;
use crate::domain::record::{RECORD_FIELDS, RecordInput};
use leptos::prelude::*;

/// The 学籍 fields as staff edit them. 所在院系 is editable only for 学校 staff.
#[component]
pub fn RecordFields(
    record: RwSignal<RecordInput>,
    #[prop(into)] errors: Signal<FieldErrors>,
    college_editable: bool,
    /// Names offered for 所在院系.
    #[prop(optional)]
    colleges: Vec<String>,
) -> impl IntoView {
    let field = move |name: &'static str, label: &'static str| {
        let id = format!("record_{name}");
        let error = move || errors.with(|e| e.get(name).map(str::to_string));
        let value = move || record.with(|r| r.get(name).to_string());
        let set = move |v: String| record.update(|r| r.set(name, v));
        let control = match name {
            "education_level" => view! {
                <select id=id.clone() aria-invalid=move || error().is_some().to_string() on:change=move |ev| set(event_target_value(&ev))>
                    <option value="">"请选择"</option>
                    {EducationLevel::ALL
                        .iter()
                        .map(|l| {
                            let code = l.graduate_code();
                            let is_selected = move || record.with(|r| EducationLevel::parse(&r.education_level) == Some(*l));
                            view! { <option value=code selected=is_selected prop:selected=is_selected>{l.label()}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any(),
            "college" if !college_editable => view! { <span class="value" id=id.clone()>{value}</span> }.into_any(),
            _ => view! {
                <input
                    id=id.clone()
                    list=(name == "college").then_some("college-names")
                    inputmode=matches!(name, "student_no" | "exam_no" | "study_years").then_some("numeric")
                    aria-invalid=move || error().is_some().to_string()
                    prop:value=value
                    on:input=move |ev| set(event_target_value(&ev))
                />
            }
            .into_any(),
        };
        view! {
            <div class="field" class:has-error=move || error().is_some()>
                <label for=id>{label}</label>
                {control}
                {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </div>
        }
    };
    view! {
        <div class="fields">{RECORD_FIELDS.iter().map(|(name, label)| field(name, label)).collect_view()}</div>
        <datalist id="college-names">{colleges.into_iter().map(|c| view! { <option value=c></option> }).collect_view()}</datalist>
    }
}
