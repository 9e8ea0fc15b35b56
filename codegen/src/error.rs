//! The one error type of the generator: what went wrong, and where (a shape id or an input file).

use std::fmt;

use crate::model::ShapeId;

/// A problem with the model (or the generator's inputs), named by where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The shape id (possibly with `$member`) or the input the problem was found in.
    pub location: String,
    pub message: String,
}

impl Error {
    /// A problem in one shape (or member: pass `ns#Shape$member` as id).
    pub fn shape(id: &ShapeId, message: impl Into<String>) -> Self {
        Error { location: id.to_string(), message: message.into() }
    }

    /// A problem in a member of a shape.
    pub fn member(id: &ShapeId, member: &str, message: impl Into<String>) -> Self {
        Error { location: format!("{id}${member}"), message: message.into() }
    }

    /// A problem with a whole input (a model file, the partition data, ...).
    pub fn model(origin: &str, message: impl Into<String>) -> Self {
        Error { location: origin.to_string(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for Error {}

/// Several problems found in one pass, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

impl From<Error> for Errors {
    fn from(e: Error) -> Self {
        Errors(vec![e])
    }
}
