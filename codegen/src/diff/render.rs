//! Markdown and JSON renderings of a [`Report`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{json, Value};

use super::rules::code;
use super::{Bump, Change, ChangeKind, Class, Group, Location, Report};

/// Escapes the characters that would end a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

fn bullet(out: &mut String, c: &Change) {
    let _ = writeln!(
        out,
        "- **{}** {}: {} — _{}_",
        c.class,
        code(&c.location.short()),
        c.description(),
        c.reason
    );
}

fn is_shape_table_entry(c: &Change) -> bool {
    matches!(c.group, Group::Shape { .. })
        && matches!(c.kind, ChangeKind::ShapeAdded { .. } | ChangeKind::ShapeRemoved { .. })
}

impl Report {
    /// The report as Markdown for a pull-request description; it ends with the recommended bump.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let service =
            self.new.service.split_once('#').map_or(self.new.service.as_str(), |(_, n)| n);
        let version = if self.old.version == self.new.version {
            self.new.version.clone()
        } else {
            format!("{} → {}", self.old.version, self.new.version)
        };
        let _ = writeln!(out, "## API changes: {} (API version {})\n", code(service), version);
        if let (Some(a), Some(b)) = (&self.old.label, &self.new.label) {
            let _ = writeln!(out, "Compared {} → {}.\n", code(a), code(b));
        }
        let _ = writeln!(
            out,
            "Operations: {} → {}; shapes in the service closure: {} → {}.\n",
            self.old.operations, self.new.operations, self.old.shapes, self.new.shapes
        );
        let docs: Vec<&Change> = self.documentation_changes().collect();
        let _ = writeln!(out, "| Class | Changes |\n|---|---:|");
        for class in [Class::Breaking, Class::Additive, Class::Patch] {
            let _ = writeln!(out, "| {class} | {} |", self.count(class));
        }
        let _ = writeln!(out, "| documentation only (patch) | {} |\n", docs.len());

        // Sections, in report order.
        let mut groups: Vec<(&Group, Vec<&Change>)> = Vec::new();
        for c in self.api_changes().filter(|c| !is_shape_table_entry(c)) {
            match groups.last_mut() {
                Some((g, list)) if *g == &c.group => list.push(c),
                _ => groups.push((&c.group, vec![c])),
            }
        }
        for (group, list) in groups {
            let title = match group {
                Group::Service => "Service and endpoints".to_string(),
                Group::Operation { .. } => format!("Operation {}", code(group.name())),
                Group::Shape { id } => {
                    let info = self.shapes.get(id);
                    let ty = info.map_or("shape", |i| i.shape_type.as_str());
                    let users = self.used_by(id);
                    if users.is_empty() {
                        format!("Shape {} ({ty})", code(group.name()))
                    } else {
                        let users: Vec<String> = users.iter().map(|u| code(u)).collect();
                        format!("Shape {} ({ty}, used by {})", code(group.name()), users.join(", "))
                    }
                }
            };
            let _ = writeln!(out, "### {title}\n");
            for c in list {
                bullet(&mut out, c);
            }
            out.push('\n');
        }

        for (added, heading) in [(true, "Shapes added"), (false, "Shapes removed")] {
            let rows: Vec<&Change> = self
                .api_changes()
                .filter(|c| is_shape_table_entry(c))
                .filter(|c| matches!(c.kind, ChangeKind::ShapeAdded { .. }) == added)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(out, "### {heading} ({})\n", rows.len());
            let _ =
                writeln!(out, "| Shape | Type | Used by | Class | Why |\n|---|---|---|---|---|");
            for c in rows {
                let (ty, id) = match (&c.kind, &c.location) {
                    (
                        ChangeKind::ShapeAdded { shape_type, .. }
                        | ChangeKind::ShapeRemoved { shape_type, .. },
                        Location::Shape { id },
                    ) => (shape_type.as_str(), id.as_str()),
                    _ => ("shape", ""),
                };
                let users: Vec<String> = self.used_by(id).iter().map(|u| code(u)).collect();
                let _ = writeln!(
                    out,
                    "| {} | {ty} | {} | {} | {} |",
                    cell(&code(&c.location.short())),
                    cell(&users.join(", ")),
                    c.class,
                    cell(c.reason)
                );
            }
            out.push('\n');
        }

        if !docs.is_empty() {
            let mut by_what: BTreeMap<&str, usize> = BTreeMap::new();
            for c in &docs {
                let what = match c.location {
                    Location::Service { .. } => "service",
                    Location::Operation { .. } => "operations",
                    Location::Shape { .. } => "shapes",
                    Location::Member { .. } => "members",
                    Location::EndpointRuleSet
                    | Location::EndpointParameter { .. }
                    | Location::EndpointTests => "endpoint parameters",
                };
                *by_what.entry(what).or_default() += 1;
            }
            let parts: Vec<String> = by_what.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let _ = writeln!(
                out,
                "### Documentation\n\n{} documentation-only change{} (patch), not listed line by line ({}).\n",
                docs.len(),
                if docs.len() == 1 { "" } else { "s" },
                parts.join(", ")
            );
            let mut places: Vec<String> = docs.iter().map(|c| c.location.short()).collect();
            places.sort();
            let places: Vec<String> = places.iter().map(|p| code(p)).collect();
            let _ = writeln!(
                out,
                "<details><summary>Where</summary>\n\n{}\n\n</details>\n",
                places.join(", ")
            );
        }

        let why = match self.recommended_bump() {
            Bump::Major => format!(
                "{} breaking change{}; for a 0.x crate, bump the minor number",
                self.count(Class::Breaking),
                if self.count(Class::Breaking) == 1 { "" } else { "s" }
            ),
            Bump::Minor => "additive changes, nothing breaking".to_string(),
            Bump::Patch => "no change to the Rust API".to_string(),
            Bump::None => "the models are semantically identical".to_string(),
        };
        let _ = writeln!(
            out,
            "---\n\n**Recommended version bump: {}** ({why}).",
            self.recommended_bump()
        );
        out
    }

    /// The report as JSON for tools. Key order is sorted; changes are in report order.
    pub fn to_json(&self) -> Value {
        let changes: Vec<Value> = self
            .api_changes()
            .map(|c| {
                json!({
                    "group": c.group,
                    "group_name": c.group.name(),
                    "location": c.location,
                    "path": c.location.id(),
                    "kind": c.kind.id(),
                    "class": c.class,
                    "reason": c.reason,
                    "description": c.description(),
                    "details": c.kind,
                })
            })
            .collect();
        let docs: Vec<String> = self.documentation_changes().map(|c| c.location.id()).collect();
        let used_by: BTreeMap<&String, &Vec<String>> =
            self.shapes.iter().map(|(k, v)| (k, &v.used_by)).collect();
        json!({
            "format_version": 1,
            "old": self.old,
            "new": self.new,
            "recommended_bump": self.recommended_bump(),
            "summary": {
                "breaking": self.count(Class::Breaking),
                "additive": self.count(Class::Additive),
                "patch": self.count(Class::Patch),
                "documentation": docs.len(),
            },
            "changes": changes,
            "documentation": {
                "class": super::classify(&ChangeKind::DocumentationChanged).0,
                "count": docs.len(),
                "locations": docs,
            },
            "used_by": used_by,
        })
    }
}
