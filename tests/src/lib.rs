//! End-to-end tests of the generated SFN client live in `tests/`; run them with `tests/moto.sh`.
//!
//! The repository README is included below so that its usage example is compiled as a doctest.
#![doc = include_str!("../../README.md")]

use sfn_client::config::{Credentials, RetryConfig};
use sfn_client::test_util::ReplayConnector;
use sfn_client::{Client, Config};

/// A client answered by `connector` (the tests' replays): test credentials, `us-east-1`, and one
/// attempt per call — a recorded error answer is the answer, not a reason to ask again.
#[doc(hidden)]
pub fn replay_client(connector: &ReplayConnector) -> Client {
    Client::from_conf(
        Config::builder()
            .region("us-east-1")
            .credentials_provider(Credentials::new("AKIDEXAMPLE", "SECRET", None, None, "replay"))
            .retry_config(RetryConfig::standard().with_max_attempts(1))
            .http_connector(connector.clone())
            .build(),
    )
}
