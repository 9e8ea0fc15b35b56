//! Every Rust name the generator emits comes from here: shape, member, operation and enum names
//! turned into idiomatic, valid and non-colliding Rust identifiers.
//!
//! Rules, in order:
//! 1. Acronyms followed by a plural `s` are folded first (`IDs` → `Ids`, `ARNs` → `Arns`), so that
//!    `heck` splits words where a reader would (`KMSKeyIDs` → `kms_key_ids`, not `kms_key_i_ds`).
//! 2. `heck` converts the case (`UpperCamelCase` for types and variants, `snake_case` for fields,
//!    functions and modules).
//! 3. A name starting with a digit gets a prefix (`V` for variants, `Shape` for types, `_` for
//!    snake-case names); a name with no letters or digits at all becomes `Value`.
//! 4. Keywords become raw identifiers (`r#type`); the few that cannot be raw (`self`, `Self`,
//!    `super`, `crate`) and names that would shadow the standard prelude get a suffix.
//!
//! 5. A member whose field name is a method the generated code defines beside the member
//!    accessors ([`RESERVED_FIELD_NAMES`]: `builder`, `build`, `send`, `meta`, `validate`,
//!    `as_input`, ...) gets the suffix `_value` (`send` → `send_value`, with `set_send_value`),
//!    and so does a member named `set_x` or `get_x` when a member `x` of the same structure has
//!    the setter `set_x` and the getter `get_x` ([`disambiguate_fields`]).
//!
//! Collisions (two model names giving one Rust name) are not resolved silently: the IR stage reports
//! them as errors naming both shapes, using [`find_collisions`] (and, for the methods a structure's
//! members make, [`member_method_collisions`]).

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (2021 edition, strict and reserved).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that are not allowed as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names that would shadow an item of the standard prelude (or of the generated crate's root)
/// inside the generated modules.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "Default", "Clone",
    "Copy", "Send", "Sync", "Sized", "Debug", "Display", "Iterator", "ToString", "Into", "From",
    "Self", "Client", "Config", "Error",
];

/// Folds acronyms followed by a plural `s` (`IDs` → `Ids`).
fn fold_plural_acronyms(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_uppercase() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_uppercase() {
                i += 1;
            }
            let run = &chars[start..i];
            let plural = run.len() >= 2
                && i < chars.len()
                && chars[i] == 's'
                && chars.get(i + 1).is_none_or(|c| !c.is_ascii_lowercase());
            if plural {
                out.push(run[0]);
                out.extend(run[1..].iter().map(|c| c.to_ascii_lowercase()));
            } else {
                out.extend(run);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Replaces characters that cannot appear in an identifier with word breaks.
fn identifier_chars(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { ' ' }).collect()
}

fn upper_camel(name: &str) -> String {
    fold_plural_acronyms(&identifier_chars(name)).to_upper_camel_case()
}

fn snake(name: &str) -> String {
    fold_plural_acronyms(&identifier_chars(name)).to_snake_case()
}

/// A snake-case identifier, escaped: `type` → `r#type`, `self` → `self_`, `1st` → `_1st`.
fn escape_snake(mut s: String) -> String {
    if s.is_empty() {
        return "value".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
        s
    } else if is_keyword(&s) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The Rust type name of a shape (`KMSKey` → `KmsKey`, `Option` → `OptionValue`).
pub fn type_name(shape_name: &str) -> String {
    let mut s = if shape_name.starts_with(|c: char| c.is_ascii_digit()) {
        upper_camel(&format!("Shape_{shape_name}"))
    } else {
        upper_camel(shape_name)
    };
    if s.is_empty() {
        return "Value".to_string();
    }
    if RESERVED_TYPE_NAMES.contains(&s.as_str()) {
        s.push_str("Value");
    }
    s
}

/// Methods the generated code defines on structures, their builders or the fluent builders of
/// operations, which a member's accessor or setter of the same name would clash with: such
/// members get the suffix `_value`.
pub const RESERVED_FIELD_NAMES: &[&str] = &[
    "as_input",
    "build",
    "build_unchecked",
    "builder",
    "customize",
    "into_paginator",
    "message_text",
    "meta",
    "new",
    "request_id",
    "send",
    "send_with",
    "validate",
];

/// Method names of the standard operator traits (`Add::add`, ...) whose shape a builder setter
/// (`fn add(self, value) -> Self`) has: clippy's `should_implement_trait` would take the setter
/// for a trait method. The name is kept (as the official SDKs keep it); the builder's `impl`
/// allows the lint.
pub const OPERATOR_TRAIT_METHODS: &[&str] =
    &["add", "bitand", "bitor", "bitxor", "div", "mul", "rem", "shl", "shr", "sub"];

/// Whether a setter named `field` looks like an operator trait's method to clippy.
pub fn setter_shadows_operator_trait(field: &str) -> bool {
    OPERATOR_TRAIT_METHODS.contains(&field)
}

/// The field (and builder method) name of a structure member: `stateMachineArn` →
/// `state_machine_arn`, `type` → `r#type`. A name of [`RESERVED_FIELD_NAMES`] gets the suffix
/// `_value` (`build` → `build_value`, `send` → `send_value`).
pub fn field_name(member_name: &str) -> String {
    let s = escape_snake(snake(member_name));
    if RESERVED_FIELD_NAMES.contains(&s.as_str()) {
        format!("{s}_value")
    } else {
        s
    }
}

/// The field names of one structure's members, in order: those of [`field_name`], with `_value`
/// added to a `set_x` or `get_x` when a member `x` is there too (its setter is `set_x`, its
/// getter `get_x`): `name` and `setName` give `name` and `set_name_value`.
pub fn disambiguate_fields(fields: &[String]) -> Vec<String> {
    let plain: std::collections::BTreeSet<&str> = fields.iter().map(|f| unraw(f)).collect();
    fields
        .iter()
        .map(|f| {
            let clashes = ["set_", "get_"]
                .iter()
                .any(|p| f.strip_prefix(p).is_some_and(|rest| plain.contains(rest)));
            if clashes {
                format!("{f}_value")
            } else {
                f.clone()
            }
        })
        .collect()
}

/// The methods a structure's members make (the accessor `x`, `set_x`, `get_x`) that more than one
/// member claims, with the model names of those members: `(method, [member, ...])`.
pub fn member_method_collisions<'a>(members: &[(&'a str, String)]) -> Vec<(String, Vec<&'a str>)> {
    let methods = members.iter().flat_map(|(model, field)| {
        let f = unraw(field);
        [(*model, f.to_string()), (*model, format!("set_{f}")), (*model, format!("get_{f}"))]
    });
    let mut found = find_collisions(methods);
    for (_, models) in &mut found {
        models.dedup();
    }
    found.retain(|(_, models)| models.len() > 1);
    found
}

/// The hidden field of an operation output holding the response's request id, and the hidden
/// builder method setting it. Member fields never start with `_`, so it cannot collide.
pub const REQUEST_ID_FIELD: &str = "_request_id";

/// The fluent builder method returning the call to customize (`customize()`), and the input
/// builder method sending the input with a client (`send_with(&client)`), as in `aws-sdk-*`.
pub const CUSTOMIZE_FN: &str = "customize";
pub const SEND_WITH_FN: &str = "send_with";

/// The identifier without its raw prefix, for names derived from it (`set_type`, not `set_r#type`).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The builder of type `type_name`: `StartExecutionInput` → `StartExecutionInputBuilder`.
pub fn builder_type(type_name: &str) -> String {
    format!("{type_name}Builder")
}

/// The error enum of operation `operation`: `StartExecution` → `StartExecutionError`.
pub fn error_enum(operation: &str) -> String {
    format!("{operation}Error")
}

/// The fluent builder the client method of `operation` returns.
pub fn fluent_builder(operation: &str) -> String {
    format!("{operation}FluentBuilder")
}

/// The page stream of a `@paginated` operation.
pub fn paginator(operation: &str) -> String {
    format!("{operation}Paginator")
}

/// The item stream of a `@paginated` operation with `items`.
pub fn paginator_items(operation: &str) -> String {
    format!("{operation}PaginatorItems")
}

/// A builder's `Option` setter of field `field`: `r#type` → `set_type`.
pub fn option_setter(field: &str) -> String {
    format!("set_{}", unraw(field))
}

/// A builder's getter of field `field`: `r#type` → `get_type`.
pub fn builder_getter(field: &str) -> String {
    format!("get_{}", unraw(field))
}

/// The `is_` test of a variant whose snake-case name is `snake` (an error enum's variant
/// `ExecutionDoesNotExist` → `is_execution_does_not_exist`, a union's `r#type` → `is_type`).
pub fn is_variant(snake: &str) -> String {
    format!("is_{}", unraw(snake))
}

/// The `as_` accessor of a union variant whose snake-case name is `snake`.
pub fn as_variant(snake: &str) -> String {
    format!("as_{}", unraw(snake))
}

/// The client method and module name of an operation: `StartExecution` → `start_execution`.
pub fn function_name(operation_name: &str) -> String {
    escape_snake(snake(operation_name))
}

/// A module name for a shape or operation.
pub fn module_name(name: &str) -> String {
    escape_snake(snake(name))
}

/// The name of a generated test function from a test case's documentation (`For region
/// us-east-1 with FIPS enabled` → `for_region_us_east_1_with_fips_enabled`): `case_<index>`
/// without documentation, `case_` before a name that would not start with a lowercase letter,
/// and `_2`, `_3`, ... after a name already in `taken` (the new name is added to it).
pub fn test_fn_name(doc: &str, index: usize, taken: &mut BTreeSet<String>) -> String {
    let cleaned: String =
        doc.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
    let mut name = cleaned.to_snake_case();
    if name.is_empty() {
        name = format!("case_{index}");
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase())
        || syn::parse_str::<syn::Ident>(&name).is_err()
    {
        name = format!("case_{name}");
    }
    let mut unique = name.clone();
    let mut n = 2;
    while !taken.insert(unique.clone()) {
        unique = format!("{name}_{n}");
        n += 1;
    }
    unique
}

/// An enum or union variant: `ACTIVITY_FAILED` → `ActivityFailed`, `us-east-1` → `UsEast1`,
/// `1.0` → `V10`. `Unknown` is taken by the generated catch-all variant and becomes `UnknownValue`.
pub fn variant_name(name: &str) -> String {
    let mut s = if name.chars().any(|c| c.is_ascii_lowercase())
        && name.chars().any(|c| c.is_ascii_uppercase())
        && !name.contains('_')
    {
        upper_camel(name)
    } else {
        // SCREAMING_CASE and lowercase values: every word starts a new capital.
        identifier_chars(name).to_ascii_lowercase().to_upper_camel_case()
    };
    if s.is_empty() {
        return "Value".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    match s.as_str() {
        "Unknown" => "UnknownValue".to_string(),
        "Self" => "SelfValue".to_string(),
        _ => s,
    }
}

/// Groups `(model name, rust name)` pairs by Rust name and returns every Rust name claimed by more
/// than one model name, with those model names (sorted).
pub fn find_collisions<'a>(
    names: impl IntoIterator<Item = (&'a str, String)>,
) -> Vec<(String, Vec<&'a str>)> {
    let mut by_rust: BTreeMap<String, Vec<&'a str>> = BTreeMap::new();
    for (model, rust) in names {
        by_rust.entry(rust).or_default().push(model);
    }
    by_rust
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(k, mut v)| {
            v.sort_unstable();
            (k, v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_fn_names() {
        let mut taken = BTreeSet::new();
        let table = [
            ("For region us-east-1 with FIPS enabled", 0, "for_region_us_east_1_with_fips_enabled"),
            (
                "For region us-east-1 with FIPS enabled",
                1,
                "for_region_us_east_1_with_fips_enabled_2",
            ),
            (
                "For region us-east-1 with FIPS enabled",
                2,
                "for_region_us_east_1_with_fips_enabled_3",
            ),
            ("", 3, "case_3"),
            ("!!!", 4, "case_4"),
            ("1 region", 5, "case_1_region"),
            ("Type", 6, "case_type"),
        ];
        for (doc, index, expected) in table {
            assert_eq!(test_fn_name(doc, index, &mut taken), expected, "test_fn_name({doc:?})");
        }
    }

    #[test]
    fn type_names() {
        let table = [
            ("StartExecutionInput", "StartExecutionInput"),
            ("KMSKey", "KmsKey"),
            ("KmsKeyId", "KmsKeyId"),
            ("ARN", "Arn"),
            ("IDs", "Ids"),
            ("KMSKeyIDs", "KmsKeyIds"),
            ("HTTPSConfig", "HttpsConfig"),
            ("Option", "OptionValue"),
            ("Result", "ResultValue"),
            ("String", "StringValue"),
            ("Self", "SelfValue"),
            ("Error", "ErrorValue"),
            ("1Foo", "Shape1foo"),
            ("lowercase", "Lowercase"),
            ("snake_case_shape", "SnakeCaseShape"),
        ];
        for (input, expected) in table {
            assert_eq!(type_name(input), expected, "type_name({input:?})");
        }
    }

    #[test]
    fn field_names() {
        let table = [
            ("stateMachineArn", "state_machine_arn"),
            ("type", "r#type"),
            ("self", "self_"),
            ("Self", "self_"),
            ("crate", "crate_"),
            ("super", "super_"),
            ("r#", "r"),
            ("match", "r#match"),
            ("async", "r#async"),
            ("1stValue", "_1st_value"),
            ("KMSKeyIDs", "kms_key_ids"),
            ("ARNs", "arns"),
            ("versionARN", "version_arn"),
            ("maxResults", "max_results"),
            ("build", "build_value"),
            ("builder", "builder_value"),
            ("send", "send_value"),
            ("Meta", "meta_value"),
            ("validate", "validate_value"),
            ("asInput", "as_input_value"),
            ("name", "name"),
            ("__type", "r#type"),
            ("", "value"),
        ];
        for (input, expected) in table {
            assert_eq!(field_name(input), expected, "field_name({input:?})");
        }
        assert_eq!(unraw("r#type"), "type");
        assert_eq!(unraw("name"), "name");
    }

    #[test]
    fn variant_names() {
        let table = [
            ("ACTIVITY_FAILED", "ActivityFailed"),
            ("ActivityFailed", "ActivityFailed"),
            ("us-east-1", "UsEast1"),
            ("1.0", "V10"),
            ("Unknown", "UnknownValue"),
            ("UNKNOWN", "UnknownValue"),
            ("*", "Value"),
            ("STANDARD", "Standard"),
            ("json", "Json"),
        ];
        for (input, expected) in table {
            assert_eq!(variant_name(input), expected, "variant_name({input:?})");
        }
    }

    #[test]
    fn operation_names() {
        assert_eq!(function_name("StartExecution"), "start_execution");
        assert_eq!(function_name("ListStateMachineVersions"), "list_state_machine_versions");
        assert_eq!(module_name("TestState"), "test_state");
        assert_eq!(function_name("Match"), "r#match");
    }

    #[test]
    fn setters_and_getters_of_members_do_not_clash_with_members() {
        let fields =
            ["name", "set_name", "get_name", "set_other", "r#type", "get_type"].map(String::from);
        assert_eq!(
            disambiguate_fields(&fields),
            ["name", "set_name_value", "get_name_value", "set_other", "r#type", "get_type_value"]
        );
        let members = [("name", "name".to_string()), ("setName", "set_name".to_string())];
        assert_eq!(
            member_method_collisions(&members),
            vec![("set_name".to_string(), vec!["name", "setName"])]
        );
        let fixed = [("name", "name".to_string()), ("setName", "set_name_value".to_string())];
        assert!(member_method_collisions(&fixed).is_empty());
    }

    #[test]
    fn collisions_differing_only_in_case() {
        let names = ["fooBar", "FooBar", "foo_bar", "other"];
        let found = find_collisions(names.iter().map(|n| (*n, field_name(n))));
        assert_eq!(found, vec![("foo_bar".to_string(), vec!["FooBar", "fooBar", "foo_bar"])]);
    }
}
