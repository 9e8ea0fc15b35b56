//! The AWS region requests are sent to and signed for.

use std::borrow::Cow;
use std::fmt;

/// An AWS region name, e.g. `us-east-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(Cow<'static, str>);

impl Region {
    pub fn new(region: impl Into<Cow<'static, str>>) -> Self {
        Region(region.into())
    }

    pub const fn from_static(region: &'static str) -> Self {
        Region(Cow::Borrowed(region))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Region {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&'static str> for Region {
    fn from(s: &'static str) -> Self {
        Region(Cow::Borrowed(s))
    }
}

impl From<String> for Region {
    fn from(s: String) -> Self {
        Region(Cow::Owned(s))
    }
}

#[cfg(feature = "aws-config")]
impl From<aws_types::region::Region> for Region {
    fn from(r: aws_types::region::Region) -> Self {
        Region(Cow::Owned(r.as_ref().to_string()))
    }
}
