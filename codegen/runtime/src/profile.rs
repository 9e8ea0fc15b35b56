//! The shared AWS configuration files: `~/.aws/config` and `~/.aws/credentials`.
//!
//! Both are INI-like files of profiles. The rules followed here:
//! - `#` and `;` start a comment line; in a property value, a comment starts at `#` or `;`
//!   preceded by whitespace.
//! - In the config file, profiles are `[default]` and `[profile NAME]`; other sections
//!   (`[sso-session x]`, a bare `[NAME]`) are skipped with their properties; `[services NAME]`
//!   sections are kept apart, for the profiles that name them (`services = NAME`).
//!   When both `[default]` and `[profile default]` exist, `[profile default]` wins.
//! - In the credentials file, profiles are `[NAME]`; a `[profile NAME]` section is skipped.
//! - A property is `name = value`; names are case-insensitive. An indented line continues the
//!   previous property: as a sub-property (`name = value`) when the property's value is empty,
//!   otherwise as another line of its value.
//! - Sections of the same name in one file are merged, later properties winning; a property set in
//!   the credentials file wins over the same property of the same profile in the config file.
//! - A missing file is an empty file; a malformed one is an error naming the file and line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::env::Env;

/// Which of the two shared files a text comes from (their section syntax differs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Config,
    Credentials,
}

/// One property: its value, and its sub-properties when it has an empty value and indented lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Property {
    value: String,
    sub_properties: BTreeMap<String, String>,
}

impl Property {
    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn sub_property(&self, name: &str) -> Option<&str> {
        self.sub_properties.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
}

/// A named set of properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    name: String,
    properties: Properties,
}

/// A profile's properties by (lower-cased) name, sorted by name. A sorted `Vec` rather than a
/// `BTreeMap`: a profile holds a handful of properties, and each B-tree key and value type is a
/// few thousand lines of LLVM IR in every debug build of the runtime.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Properties(Vec<(String, Property)>);

impl Properties {
    fn position(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }

    fn get(&self, name: &str) -> Option<&Property> {
        self.position(name).ok().map(|i| &self.0[i].1)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Property> {
        self.position(name).ok().map(|i| &mut self.0[i].1)
    }

    /// Sets `name`, replacing its previous value (a later line wins, as with a map).
    fn insert(&mut self, name: String, property: Property) {
        match self.position(&name) {
            Ok(i) => self.0[i].1 = property,
            Err(i) => self.0.insert(i, (name, property)),
        }
    }

    /// Sets every property of `other`, replacing those of the same name.
    fn extend(&mut self, other: Properties) {
        for (name, property) in other.0 {
            self.insert(name, property);
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&String, &Property)> {
        self.0.iter().map(|(k, p)| (k, p))
    }
}

impl Profile {
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A property value; `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.property(name).map(Property::value).filter(|v| !v.is_empty())
    }

    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.get(&name.to_ascii_lowercase())
    }

    /// The names of the properties, sorted.
    pub fn property_names(&self) -> impl Iterator<Item = &str> {
        self.properties.iter().map(|(k, _)| k.as_str())
    }
}

/// A malformed shared configuration file, or one that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    file: String,
    line: Option<usize>,
    message: String,
}

impl ProfileError {
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}, line {}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ProfileError {}

/// The profiles of both shared files, merged, and which one is selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Profile>,
    /// The `[services NAME]` sections of the config file: per-service settings a profile names
    /// with `services = NAME`.
    services: BTreeMap<String, Profile>,
    selected: String,
}

impl ProfileSet {
    /// Parses the texts of a config file and a credentials file (`origin`s name them in errors).
    pub fn parse(config: &str, credentials: &str, selected: &str) -> Result<Self, ProfileError> {
        let mut set = ProfileSet { selected: selected.to_string(), ..Default::default() };
        set.merge(parse_sections(config, FileKind::Config, "config file")?);
        set.merge(parse_sections(credentials, FileKind::Credentials, "credentials file")?);
        Ok(set)
    }

    /// Reads the shared files named by `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE` (default
    /// `~/.aws/config` / `~/.aws/credentials`) and selects `profile`, else `AWS_PROFILE`, else
    /// `default`.
    pub fn load(env: &Env, profile: Option<&str>) -> Result<Self, ProfileError> {
        let selected = profile
            .map(str::to_string)
            .or_else(|| env.get("AWS_PROFILE"))
            .unwrap_or_else(|| "default".into());
        let mut set = ProfileSet { selected, ..Default::default() };
        for (kind, var, default) in [
            (FileKind::Config, "AWS_CONFIG_FILE", ".aws/config"),
            (FileKind::Credentials, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"),
        ] {
            let path = match env.get(var) {
                Some(p) => env.expand_home(&p),
                None => match env.home_dir() {
                    Some(home) => home.join(default),
                    None => continue,
                },
            };
            if let Some(text) = read_optional(&path)? {
                set.merge(parse_sections(&text, kind, &path.display().to_string())?);
            }
        }
        Ok(set)
    }

    fn merge(&mut self, (profiles, services): Sections) {
        for (into, from) in [(&mut self.profiles, profiles), (&mut self.services, services)] {
            for (name, profile) in from {
                let target = into
                    .entry(name.clone())
                    .or_insert_with(|| Profile { name, ..Default::default() });
                target.properties.extend(profile.properties);
            }
        }
    }

    /// The `endpoint_url` of every service in the selected profile's `services` section, by
    /// service key.
    pub fn service_endpoint_urls(&self) -> BTreeMap<String, String> {
        let section = self
            .selected()
            .and_then(|p| p.get("services"))
            .and_then(|name| self.services.get(name));
        let mut urls = BTreeMap::new();
        let Some(section) = section else { return urls };
        // Inserted one by one rather than collected: `BTreeMap::from_iter` sorts its input
        // first, a stable sort compiled for this element type alone.
        for (key, p) in section.properties.iter() {
            if let Some(url) = p.sub_property("endpoint_url").filter(|v| !v.is_empty()) {
                urls.insert(key.clone(), url.to_string());
            }
        }
        urls
    }

    /// The `endpoint_url` that the selected profile's `services` section sets for the service
    /// whose key is `service_key` (the SDK id lower-cased, spaces as `_`: `sfn`), as in
    /// `[profile dev]` `services = local` / `[services local]` `sfn =` `  endpoint_url = ...`.
    pub fn service_endpoint_url(&self, service_key: &str) -> Option<&str> {
        let services = self.selected()?.get("services")?;
        let section = self.services.get(services)?;
        section.property(service_key)?.sub_property("endpoint_url").filter(|v| !v.is_empty())
    }

    /// The name of the selected profile.
    pub fn selected_name(&self) -> &str {
        &self.selected
    }

    /// The selected profile, if it exists in either file.
    pub fn selected(&self) -> Option<&Profile> {
        self.profiles.get(&self.selected)
    }

    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }

    /// The profile names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, ProfileError> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| ProfileError {
            file: path.display().to_string(),
            line: None,
            message: "the file is not valid UTF-8".into(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ProfileError {
            file: path.display().to_string(),
            line: None,
            message: format!("cannot read: {e}"),
        }),
    }
}

/// Where the parser is: which section, and which property indented lines continue.
enum Section {
    None,
    Skipped,
    Profile { name: String, prefixed_default: bool },
    Services { name: String },
}

/// The profiles of a file and its `[services NAME]` sections, by name.
type Sections = (BTreeMap<String, Profile>, BTreeMap<String, Profile>);

/// Parses one shared file into profiles by name.
pub fn parse_file(
    source: &str,
    kind: FileKind,
    origin: &str,
) -> Result<BTreeMap<String, Profile>, ProfileError> {
    parse_sections(source, kind, origin).map(|(profiles, _)| profiles)
}

/// Parses one shared file into profiles and `[services NAME]` sections by name.
fn parse_sections(source: &str, kind: FileKind, origin: &str) -> Result<Sections, ProfileError> {
    let err = |line: usize, message: String| ProfileError {
        file: origin.to_string(),
        line: Some(line),
        message,
    };
    // `[default]` and `[profile default]` are collected apart: the latter wins when both exist.
    let mut profiles: BTreeMap<String, Profile> = BTreeMap::new();
    let mut services: BTreeMap<String, Profile> = BTreeMap::new();
    let mut prefixed_default: Option<Profile> = None;
    let mut section = Section::None;
    let mut current_property: Option<String> = None;

    for (i, line) in source.lines().enumerate() {
        let lineno = i + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let profile = match &section {
            Section::Profile { name, prefixed_default: true } => Some(
                prefixed_default
                    .get_or_insert_with(|| Profile { name: name.clone(), ..Default::default() }),
            ),
            Section::Profile { name, prefixed_default: false } => Some(
                profiles
                    .entry(name.clone())
                    .or_insert_with(|| Profile { name: name.clone(), ..Default::default() }),
            ),
            Section::Services { name } => Some(
                services
                    .entry(name.clone())
                    .or_insert_with(|| Profile { name: name.clone(), ..Default::default() }),
            ),
            _ => None,
        };

        if line.starts_with(|c: char| c.is_whitespace()) {
            // A continuation of the previous property.
            if matches!(section, Section::Skipped) {
                continue;
            }
            let (Some(profile), Some(prop_name)) = (profile, &current_property) else {
                return Err(err(lineno, "an indented line must continue a property".into()));
            };
            let prop = profile.properties.get_mut(prop_name).expect("current property exists");
            if prop.value.is_empty() {
                let (k, v) = split_property(trimmed).ok_or_else(|| {
                    err(lineno, format!("expected a sub-property `name = value` of `{prop_name}`, found `{trimmed}`"))
                })?;
                prop.sub_properties.insert(k, v);
            } else {
                prop.value.push('\n');
                prop.value.push_str(strip_comment(trimmed));
            }
            continue;
        }

        if let Some(rest) = trimmed.strip_prefix('[') {
            let Some(end) = rest.find(']') else {
                return Err(err(
                    lineno,
                    format!("a profile header must end with `]`: `{trimmed}`"),
                ));
            };
            let after = rest[end + 1..].trim();
            if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                return Err(err(
                    lineno,
                    format!("unexpected text after the profile header: `{after}`"),
                ));
            }
            section = section_of(rest[..end].trim(), kind);
            current_property = None;
            // An empty section still defines its profile.
            match &section {
                Section::Profile { name, prefixed_default: true } => {
                    prefixed_default.get_or_insert_with(|| Profile {
                        name: name.clone(),
                        ..Default::default()
                    });
                }
                Section::Profile { name, prefixed_default: false } => {
                    profiles
                        .entry(name.clone())
                        .or_insert_with(|| Profile { name: name.clone(), ..Default::default() });
                }
                _ => {}
            }
            continue;
        }

        match &section {
            Section::None => {
                return Err(err(
                    lineno,
                    format!("a property must be inside a profile: `{trimmed}`"),
                ));
            }
            Section::Skipped => continue,
            Section::Profile { .. } | Section::Services { .. } => {}
        }
        let (k, v) = split_property(trimmed)
            .ok_or_else(|| err(lineno, format!("expected `name = value`, found `{trimmed}`")))?;
        let profile = profile.expect("inside a profile");
        profile
            .properties
            .insert(k.clone(), Property { value: v, sub_properties: BTreeMap::new() });
        current_property = Some(k);
    }

    if let Some(p) = prefixed_default {
        profiles.insert("default".into(), p);
    }
    Ok((profiles, services))
}

fn section_of(header: &str, kind: FileKind) -> Section {
    let profile = |name: &str, prefixed_default: bool| {
        if name.is_empty() || name.chars().any(char::is_whitespace) {
            Section::Skipped
        } else {
            Section::Profile { name: name.to_string(), prefixed_default }
        }
    };
    let prefixed =
        header.strip_prefix("profile").filter(|r| r.starts_with(|c: char| c.is_whitespace()));
    match (kind, prefixed) {
        (FileKind::Config, Some(name)) => {
            let name = name.trim();
            profile(name, name == "default")
        }
        (FileKind::Config, None) if header == "default" => profile("default", false),
        (FileKind::Config, None) => match header
            .strip_prefix("services")
            .filter(|r| r.starts_with(char::is_whitespace))
        {
            Some(name) if !name.trim().is_empty() && !name.trim().contains(char::is_whitespace) => {
                Section::Services { name: name.trim().to_string() }
            }
            _ => Section::Skipped,
        },
        (FileKind::Credentials, Some(_)) => Section::Skipped,
        (FileKind::Credentials, None) => profile(header, false),
    }
}

/// Splits `name = value`, lower-casing the name and removing a trailing comment from the value.
fn split_property(line: &str) -> Option<(String, String)> {
    let (k, v) = line.split_once('=')?;
    let k = k.trim();
    if k.is_empty() {
        return None;
    }
    Some((k.to_ascii_lowercase(), strip_comment(v.trim()).to_string()))
}

/// Cuts a value at the first `#` or `;` that follows whitespace.
fn strip_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for i in 1..bytes.len() {
        if (bytes[i] == b'#' || bytes[i] == b';') && bytes[i - 1].is_ascii_whitespace() {
            return value[..i].trim_end();
        }
    }
    value
}

/// The default path of a shared file, for messages.
pub(crate) fn describe_paths(env: &Env) -> (PathBuf, PathBuf) {
    let p = |var: &str, default: &str| match env.get(var) {
        Some(p) => env.expand_home(&p),
        None => env
            .home_dir()
            .map(|h| h.join(default))
            .unwrap_or_else(|| PathBuf::from("~").join(default)),
    };
    (p("AWS_CONFIG_FILE", ".aws/config"), p("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_file_sections_comments_and_continuations() {
        let text = "\
# a comment
; another
[default]
region = us-west-2 # trailing comment
output=json;not-a-comment

[profile dev]
Region = eu-west-1
s3 =
  max_concurrent_requests = 10
  addressing_style = path
multi = first
  second

[sso-session corp]
sso_region = us-east-1
[bare]
region = nowhere
[profile   spaced  ] ; comment
region = ap-south-1
";
        let p = parse_file(text, FileKind::Config, "config").unwrap();
        assert_eq!(p.keys().collect::<Vec<_>>(), ["default", "dev", "spaced"]);
        let d = &p["default"];
        assert_eq!(d.get("region"), Some("us-west-2"));
        assert_eq!(d.get("output"), Some("json;not-a-comment"));
        let dev = &p["dev"];
        assert_eq!(dev.get("REGION"), Some("eu-west-1"));
        assert_eq!(dev.get("s3"), None);
        assert_eq!(dev.property("s3").unwrap().sub_property("max_concurrent_requests"), Some("10"));
        assert_eq!(dev.property("s3").unwrap().sub_property("addressing_style"), Some("path"));
        assert_eq!(dev.get("multi"), Some("first\nsecond"));
        assert_eq!(p["spaced"].get("region"), Some("ap-south-1"));
    }

    #[test]
    fn prefixed_default_wins_and_duplicates_merge() {
        let text = "[profile default]\nregion = a\n[default]\nregion = b\nextra = x\n[profile p]\nk = 1\n[profile p]\nk = 2\nj = 3\n";
        let p = parse_file(text, FileKind::Config, "config").unwrap();
        assert_eq!(p["default"].get("region"), Some("a"));
        assert_eq!(p["default"].get("extra"), None);
        assert_eq!(p["p"].get("k"), Some("2"));
        assert_eq!(p["p"].get("j"), Some("3"));
    }

    #[test]
    fn credentials_file_sections() {
        let text = "[default]\naws_access_key_id = AKID\n[profile nope]\naws_access_key_id = X\n[work]\naws_access_key_id=W\n";
        let p = parse_file(text, FileKind::Credentials, "credentials").unwrap();
        assert_eq!(p.keys().collect::<Vec<_>>(), ["default", "work"]);
        assert_eq!(p["work"].get("aws_access_key_id"), Some("W"));
    }

    #[test]
    fn malformed_files_are_errors_with_line_numbers() {
        let e = parse_file("region = x\n", FileKind::Config, "cfg").unwrap_err();
        assert_eq!(e.to_string(), "cfg, line 1: a property must be inside a profile: `region = x`");
        let e = parse_file("[default\n", FileKind::Config, "cfg").unwrap_err();
        assert!(e.to_string().starts_with("cfg, line 1: a profile header must end with `]`"));
        let e = parse_file("[default]\nnovalue\n", FileKind::Config, "cfg").unwrap_err();
        assert_eq!(e.to_string(), "cfg, line 2: expected `name = value`, found `novalue`");
        let e = parse_file("[default]\n  indented = x\n", FileKind::Config, "cfg").unwrap_err();
        assert_eq!(e.to_string(), "cfg, line 2: an indented line must continue a property");
        let e = parse_file("[default]\ns3 =\n  nonsense\n", FileKind::Config, "cfg").unwrap_err();
        assert!(e.to_string().contains("line 3: expected a sub-property"));
        let e = parse_file("[default] junk\n", FileKind::Config, "cfg").unwrap_err();
        assert!(e.to_string().contains("unexpected text after the profile header"));
    }

    #[test]
    fn services_sections_give_service_endpoints_to_the_profiles_naming_them() {
        let config = "[profile dev]\nservices = local\n[profile other]\nregion = x\n\
                      [services local]\nsfn =\n  endpoint_url = http://localhost:4566\n\
                      dynamodb =\n  endpoint_url = http://localhost:8000\n[services local]\n\
                      sqs =\n  endpoint_url = http://localhost:9324\n";
        let set = ProfileSet::parse(config, "", "dev").unwrap();
        assert_eq!(set.service_endpoint_url("sfn"), Some("http://localhost:4566"));
        assert_eq!(
            set.service_endpoint_url("sqs"),
            Some("http://localhost:9324"),
            "sections merge"
        );
        assert_eq!(set.service_endpoint_url("kms"), None);
        // A services section is not a profile, and a profile without `services` has none.
        assert!(set.get("local").is_none());
        assert_eq!(
            ProfileSet::parse(config, "", "other").unwrap().service_endpoint_url("sfn"),
            None
        );
        // In the credentials file, `[services x]` is a profile name with a space: skipped.
        let set = ProfileSet::parse(
            "[profile dev]\nservices = local\n",
            "[services local]\nsfn =\n  endpoint_url = http://x\n",
            "dev",
        )
        .unwrap();
        assert_eq!(set.service_endpoint_url("sfn"), None);
    }

    #[test]
    fn credentials_file_wins_over_config_file() {
        let set = ProfileSet::parse(
            "[profile dev]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n",
            "[dev]\naws_access_key_id = FROMCREDS\n",
            "dev",
        )
        .unwrap();
        let p = set.selected().unwrap();
        assert_eq!(p.get("aws_access_key_id"), Some("FROMCREDS"));
        assert_eq!(p.get("region"), Some("eu-west-1"));
    }

    #[test]
    fn load_honors_env_paths_and_profile() {
        let dir = std::env::temp_dir().join(format!(
            "awsjson-profile-{}-{}",
            std::process::id(),
            line!()
        ));
        std::fs::create_dir_all(dir.join(".aws")).unwrap();
        std::fs::write(dir.join(".aws/config"), "[profile home]\nregion = from-home\n").unwrap();
        std::fs::write(dir.join("cfg"), "[profile other]\nregion = from-env-path\n").unwrap();
        let env = Env::from_vars([("HOME", dir.to_str().unwrap()), ("AWS_PROFILE", "home")]);
        let set = ProfileSet::load(&env, None).unwrap();
        assert_eq!(set.selected().unwrap().get("region"), Some("from-home"));
        let env = Env::from_vars([
            ("HOME", dir.to_str().unwrap()),
            ("AWS_CONFIG_FILE", dir.join("cfg").to_str().unwrap()),
            ("AWS_PROFILE", "other"),
        ]);
        let set = ProfileSet::load(&env, None).unwrap();
        assert_eq!(set.selected().unwrap().get("region"), Some("from-env-path"));
        assert!(set.get("home").is_none());
        // An explicit profile wins over AWS_PROFILE; a missing one is simply absent.
        let set = ProfileSet::load(&env, Some("missing")).unwrap();
        assert_eq!(set.selected_name(), "missing");
        assert!(set.selected().is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
