//! The one error type of the generator: what kind of problem ([`ErrorKind`]: the model, an input,
//! or a bug of the generator), and where (a shape id, a member, or an input file).

use std::fmt;

use crate::model::ShapeId;

/// What kind of problem an [`Error`] is: whose fault, and so what fixes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The model is invalid or uses what the generator does not support: fix (or report) the
    /// model. The location is a shape id, a member, or the model as a whole.
    Model,
    /// An input other than the model's shapes is unreadable or not what it must be: a file that
    /// cannot be read or parsed, the partition table. The location is the input.
    Input,
    /// The generator produced something it must never produce (invalid Rust): a bug of the
    /// generator, whatever the model.
    Internal,
}

/// A problem with the model (or the generator's inputs), named by where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    /// The shape id (possibly with `$member`) or the input the problem was found in.
    pub location: String,
    pub message: String,
}

impl Error {
    /// A problem in one shape (or member: pass `ns#Shape$member` as id).
    pub fn shape(id: &ShapeId, message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Model, location: id.to_string(), message: message.into() }
    }

    /// A problem in a member of a shape.
    pub fn member(id: &ShapeId, member: &str, message: impl Into<String>) -> Self {
        let location = format!("{id}${member}");
        Error { kind: ErrorKind::Model, location, message: message.into() }
    }

    /// A problem of the model as a whole, or of a part of it that is not one shape (`origin`
    /// names it: the model, a trait's data, a test case).
    pub fn model(origin: &str, message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Model, location: origin.to_string(), message: message.into() }
    }

    /// An input that cannot be read or is not what it must be (a model file, the partition
    /// table).
    pub fn input(origin: &str, message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Input, location: origin.to_string(), message: message.into() }
    }

    /// A bug of the generator, found at `origin` (e.g. the generated file).
    pub fn internal(origin: &str, message: impl Into<String>) -> Self {
        Error { kind: ErrorKind::Internal, location: origin.to_string(), message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Internal => {
                write!(f, "{}: a bug of the generator: {}", self.location, self.message)
            }
            ErrorKind::Model | ErrorKind::Input => write!(f, "{}: {}", self.location, self.message),
        }
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
