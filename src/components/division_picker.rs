use crate::api::divisions::{DivisionOption, division_children};
use leptos::prelude::*;

/// The cascading 省 → 市 → 县（区） picker. Each level is fetched from the server when needed.
/// `on_change` receives the deepest chosen code (a province or city code while incomplete, so
/// the shared origin rule can say what is missing).
#[component]
pub fn DivisionPicker(
    /// Codes from province down to the current choice.
    initial_path: Vec<String>,
    on_change: Callback<String>,
    on_blur: Callback<()>,
    #[prop(into)] invalid: Signal<bool>,
    /// The code the form holds: when it changes from outside (a draft restored from this
    /// browser, a merge after a conflict) the picker follows it.
    #[prop(optional, into)]
    value: Option<Signal<String>>,
) -> impl IntoView {
    let path = RwSignal::new(initial_path);
    if let Some(value) = value {
        Effect::new(move |_| {
            let code = value.get();
            if path.with_untracked(|p| p.last().cloned().unwrap_or_default()) != code {
                // After the current update: a change made while the page is still hydrating
                // would otherwise leave the lower levels' lists unfetched.
                set_timeout(
                    move || {
                        let _ = path.try_set(path_of(&code));
                    },
                    std::time::Duration::ZERO,
                );
            }
        });
    }
    let level = move |i: usize| path.with(|p| p.get(i).cloned().unwrap_or_default());
    let provinces = Resource::new(|| (), |_| division_children(String::new()));
    let cities = Resource::new(move || level(0), load_children);
    let counties = Resource::new(move || level(1), load_children);

    let choose = move |depth: usize, code: String| {
        path.update(|p| {
            p.truncate(depth);
            if !code.is_empty() {
                p.push(code);
            }
        });
        on_change.run(path.with(|p| p.last().cloned().unwrap_or_default()));
    };

    let select =
        move |depth: usize,
              id: &'static str,
              label: &'static str,
              options: Resource<Result<Vec<DivisionOption>, crate::error::AppError>>| {
            view! {
                <select
                    id=id
                    aria-label=(depth > 0).then_some(label)
                    aria-invalid=move || invalid.get().to_string()
                    on:change=move |ev| choose(depth, event_target_value(&ev))
                    on:blur=move |_| on_blur.run(())
                >
                    <option value="">{format!("请选择{label}")}</option>
                    {move || {
                        let selected = level(depth);
                        options
                            .get()
                            .and_then(|r| r.ok())
                            .unwrap_or_default()
                            .into_iter()
                            .map(|o| {
                                let is_selected = o.code == selected;
                                view! {
                                    <option value=o.code.clone() selected=is_selected prop:selected=is_selected>
                                        {o.name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            }
        };

    let has_options = move |r: Resource<Result<Vec<DivisionOption>, crate::error::AppError>>| {
        r.get().and_then(|r| r.ok()).is_some_and(|v| !v.is_empty())
    };

    view! {
        <div class="division-picker">
            <Transition fallback=|| view! { <span class="hint">"正在加载行政区划……"</span> }>
                {select(0, "origin_code", "省份", provinces)}
                <Show when=move || !level(0).is_empty() && has_options(cities)>
                    {select(1, "origin_city", "城市", cities)}
                </Show>
                <Show when=move || !level(1).is_empty() && has_options(counties)>
                    {select(2, "origin_county", "区县", counties)}
                </Show>
            </Transition>
        </div>
    }
}

async fn load_children(parent: String) -> Result<Vec<DivisionOption>, crate::error::AppError> {
    if parent.is_empty() {
        Ok(Vec::new())
    } else {
        division_children(parent).await
    }
}

/// The 直辖市: their districts hang directly under the province in the division list (there is no
/// 市辖区 level in `data/divisions.csv`).
const MUNICIPALITIES: &[&str] = &["11", "12", "31", "50"];

/// Province → prefecture → county codes leading to `code` (GB/T 2260: the first two digits name
/// the province, the first four the prefecture; 直辖市 have no prefecture level).
pub fn path_of(code: &str) -> Vec<String> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let province = format!("{}0000", &code[..2]);
    let prefecture = format!("{}00", &code[..4]);
    if code == province {
        vec![province]
    } else if MUNICIPALITIES.contains(&&code[..2]) {
        vec![province, code.to_string()]
    } else if code == prefecture {
        vec![province, prefecture]
    } else {
        vec![province, prefecture, code.to_string()]
    }
}

#[cfg(test)]
mod tests {
    use super::path_of;

    #[test]
    fn paths_follow_the_code_levels() {
        assert_eq!(path_of("430000"), vec!["430000"]);
        assert_eq!(path_of("430100"), vec!["430000", "430100"]);
        assert_eq!(path_of("430102"), vec!["430000", "430100", "430102"]);
        assert_eq!(path_of("110105"), vec!["110000", "110105"]);
        assert_eq!(path_of("500229"), vec!["500000", "500229"]);
        assert!(path_of("").is_empty());
        assert!(path_of("43x102").is_empty());
    }
}
