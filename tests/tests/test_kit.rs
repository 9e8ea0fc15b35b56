//! The test kit as a user of the crate meets it (`sfn_client::test_util`, feature `test-util`):
//! the capturing connector, typed mocks by rule, and the porting conveniences (enum
//! `try_parse`, the paginator's quiet stop on a repeated token). Everything runs the real client
//! path — signing, encoding, decoding, error mapping, retries — without a network.

use std::time::Duration;

use sfn_client::config::{Credentials, RetryConfig};
use sfn_client::error::{ProvideErrorMetadata, SdkError};
use sfn_client::operation::describe_activity::{
    DescribeActivity, DescribeActivityError, DescribeActivityOutput,
};
use sfn_client::operation::list_activities::{
    ListActivities, ListActivitiesError, ListActivitiesOutput,
};
use sfn_client::primitives::DateTime;
use sfn_client::test_util::{CapturingConnector, MockConnector, MockRule, RuleMode};
use sfn_client::types::error::{ActivityDoesNotExist, InvalidToken};
use sfn_client::types::{ActivityListItem, ExecutionStatus};
use sfn_client::{Client, Config};

const ARN: &str = "arn:aws:states:us-east-1:123456789012:activity:ingest";

fn activity(name: &str) -> ActivityListItem {
    ActivityListItem::builder()
        .activity_arn(format!("arn:aws:states:us-east-1:123456789012:activity:{name}"))
        .name(name)
        .creation_date(DateTime::from_secs(1_767_225_600).unwrap())
        .build()
        .unwrap()
}

fn page(names: &[&str], token: Option<&str>) -> ListActivitiesOutput {
    ListActivitiesOutput::builder()
        .set_activities(Some(names.iter().map(|n| activity(n)).collect()))
        .set_next_token(token.map(str::to_owned))
        .build()
        .unwrap()
}

fn described() -> DescribeActivityOutput {
    DescribeActivityOutput::builder()
        .activity_arn(ARN)
        .name("ingest")
        .creation_date(DateTime::from_secs(1_767_225_600).unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_capturing_connector_shows_the_full_signed_request() {
    let capture = CapturingConnector::new();
    let config = Config::builder()
        .region("eu-west-1")
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "SECRET",
            Some("SESSION-TOKEN-VALUE".into()),
            None,
            "test",
        ))
        .http_connector(capture.clone())
        .build();
    let client = Client::from_conf(config);
    client.describe_activity().activity_arn(ARN).send().await.expect("the canned `{}` decodes");

    let requests = capture.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!((r.method(), r.uri().as_str()), ("POST", "https://states.eu-west-1.amazonaws.com/"));
    assert_eq!(r.host().as_deref(), Some("states.eu-west-1.amazonaws.com"));
    assert_eq!(r.operation().as_deref(), Some("DescribeActivity"));
    assert_eq!(r.content_length(), Some(r.body().len() as u64));
    assert_eq!(r.body_json().unwrap(), serde_json::json!({ "activityArn": ARN }));
    assert_eq!(
        r.signed_headers(),
        ["content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"]
    );
    for name in ["content-length", "user-agent", "amz-sdk-invocation-id", "amz-sdk-request"] {
        assert!(
            r.header_names().iter().any(|h| h == name),
            "{name} not sent: {:?}",
            r.header_names()
        );
    }
    let debug = format!("{r:?}");
    let signature =
        r.header("authorization").unwrap().rsplit("Signature=").next().unwrap().to_owned();
    assert!(
        !debug.contains(&signature)
            && !debug.contains("SESSION-TOKEN-VALUE")
            && !debug.contains(ARN),
        "{debug}"
    );
}

#[tokio::test]
async fn a_canned_error_response_goes_through_the_error_mapping() {
    let capture = CapturingConnector::with_response(
        400,
        &[("content-type", "application/x-amz-json-1.0")],
        r#"{"__type":"com.amazonaws.sfn#ActivityDoesNotExist","message":"nope"}"#,
    );
    let client = Client::from_conf(capture.client_config());
    let err = client.describe_activity().activity_arn(ARN).send().await.unwrap_err();
    let err = err.as_service_error().expect("a service error");
    assert!(err.is_activity_does_not_exist(), "{err:?}");
    assert_eq!(err.message(), Some("nope"));
}

#[tokio::test]
async fn a_rule_returns_this_output_then_this_error() {
    let rule = MockRule::for_operation::<ListActivities>()
        .sequence()
        .output(|| page(&["ingest", "publish"], None))
        .error(|| {
            ListActivitiesError::InvalidToken(
                InvalidToken::builder().message("token expired").build(),
            )
        })
        .build();
    let mocks = MockConnector::new(RuleMode::Sequential, [rule.clone()]);
    let client = Client::from_conf(mocks.client_config());

    let out = client.list_activities().send().await.unwrap();
    assert_eq!(out, page(&["ingest", "publish"], None));
    assert!(!rule.is_exhausted());
    let err = client.list_activities().send().await.unwrap_err();
    match &err {
        SdkError::ServiceError(e) => {
            assert!(e.err().is_invalid_token(), "{err:?}");
            assert_eq!(
                (e.err().code(), e.err().message()),
                (Some("InvalidToken"), Some("token expired"))
            );
            assert_eq!(e.raw().status(), 400);
        }
        other => panic!("expected the mocked service error, got {other:?}"),
    }
    assert_eq!(rule.num_calls(), 2);
    assert!(rule.is_exhausted());
    mocks.assert_all_used();

    // A third call finds the rule used up: a clear error naming the operation.
    let err = client.list_activities().send().await.unwrap_err();
    let text = std::error::Error::source(&err).map(ToString::to_string).unwrap_or_default();
    assert!(matches!(err, SdkError::DispatchFailure(_)), "{err:?}");
    assert!(text.contains("request 3 (ListActivities)") && text.contains("used up"), "{text}");
}

#[tokio::test]
async fn rules_match_typed_inputs_in_either_mode() {
    let known = MockRule::for_operation::<DescribeActivity>()
        .match_requests(|input| input.activity_arn() == Some(ARN))
        .sequence()
        .output(described)
        .repeatedly()
        .build();
    let missing = MockRule::for_operation::<DescribeActivity>().then_error(|| {
        DescribeActivityError::ActivityDoesNotExist(
            ActivityDoesNotExist::builder().message("gone").build(),
        )
    });
    let listing = MockRule::for_operation::<ListActivities>().then_output(|| page(&[], None));
    let mocks = MockConnector::new(RuleMode::MatchAny, [known.clone(), missing, listing]);
    let client = Client::from_conf(mocks.client_config());

    for _ in 0..3 {
        assert_eq!(client.describe_activity().activity_arn(ARN).send().await.unwrap(), described());
    }
    let err = client.describe_activity().activity_arn("arn:other").send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_activity_does_not_exist()), "{err:?}");
    assert_eq!(known.num_calls(), 3);
    assert!(!known.is_exhausted(), "a repeated response never runs out");
    let unused = mocks.check_all_used().unwrap_err();
    assert_eq!(unused, "rule 3 (ListActivities) answered 0 of 1 request(s)");

    // No rule for this operation: the failure names it.
    let err = client.list_state_machines().send().await.unwrap_err();
    let text = std::error::Error::source(&err).map(ToString::to_string).unwrap_or_default();
    assert!(text.contains("(ListStateMachines): no mock rule matches it"), "{text}");

    // In sequence, the next rule must match.
    let mocks = MockConnector::new(
        RuleMode::Sequential,
        [MockRule::for_operation::<ListActivities>().then_output(|| page(&[], None))],
    );
    let client = Client::from_conf(mocks.client_config());
    let err = client.describe_activity().activity_arn(ARN).send().await.unwrap_err();
    let text = std::error::Error::source(&err).map(ToString::to_string).unwrap_or_default();
    assert!(text.contains("request 1 (DescribeActivity) does not match the next mock rule, rule 1 (ListActivities)"), "{text}");
    assert_eq!(mocks.requests().len(), 1);
}

#[test]
#[should_panic(expected = "rule 1 (DescribeActivity) answered 0 of 1 request(s)")]
fn unused_rules_fail_the_check() {
    let mocks = MockConnector::new(
        RuleMode::Sequential,
        [MockRule::for_operation::<DescribeActivity>().then_output(described)],
    );
    mocks.assert_all_used();
}

#[tokio::test]
async fn mocked_server_errors_are_retried_by_the_real_retry_loop() {
    let rule = MockRule::for_operation::<ListActivities>()
        .sequence()
        .http_status(500, Some(r#"{"__type":"InternalFailure"}"#))
        .times(2)
        .output(|| page(&["ingest"], None))
        .build();
    let mocks = MockConnector::new(RuleMode::Sequential, [rule.clone()]);
    let retry =
        RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1));
    let config = mocks.client_config().to_builder().retry_config(retry).build();
    let out = Client::from_conf(config).list_activities().send().await.unwrap();
    assert_eq!(out, page(&["ingest"], None));
    assert_eq!(rule.num_calls(), 3);
    let attempts: Vec<String> =
        mocks.requests().iter().map(|r| r.header("amz-sdk-request").unwrap()).collect();
    assert_eq!(attempts, ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]);
    mocks.assert_all_used();
}

#[tokio::test]
async fn a_paginator_can_stop_quietly_on_a_repeated_token() {
    let pages = || {
        MockRule::for_operation::<ListActivities>()
            .sequence()
            .output(|| page(&["a"], Some("t1")))
            .output(|| page(&["b"], Some("t1")))
            .build()
    };
    let mocks = MockConnector::new(RuleMode::Sequential, [pages()]);
    let client = Client::from_conf(mocks.client_config());
    let items = client
        .list_activities()
        .into_paginator()
        .items()
        .send()
        .stop_on_duplicate_token(true)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, [activity("a"), activity("b")]);
    mocks.assert_all_used();

    // By default the repetition is an error after the page that repeats it.
    let mocks = MockConnector::new(RuleMode::Sequential, [pages()]);
    let client = Client::from_conf(mocks.client_config());
    let mut stream = client.list_activities().into_paginator().send();
    assert!(stream.next().await.unwrap().is_ok());
    assert!(stream.next().await.unwrap().is_ok());
    assert!(matches!(stream.next().await, Some(Err(SdkError::ResponseError(_)))));
    assert!(stream.next().await.is_none());
}

#[test]
fn enums_try_parse_known_values_only() {
    assert_eq!(ExecutionStatus::try_parse("RUNNING"), Ok(ExecutionStatus::Running));
    let err = ExecutionStatus::try_parse("NOT_A_STATUS").unwrap_err();
    assert_eq!(err.to_string(), "`NOT_A_STATUS` is not a known value of ExecutionStatus");
    let _: &sfn_client::error::UnknownVariantError = &err;
    // `From<&str>` still keeps unknown values, as responses need.
    assert_eq!(
        ExecutionStatus::from("NOT_A_STATUS"),
        ExecutionStatus::Unknown("NOT_A_STATUS".into())
    );
}

#[tokio::test]
async fn an_unmodeled_mocked_error_keeps_its_code_and_is_classified_by_it() {
    use sfn_client::error::{ErrorMetadata, Unhandled};
    let throttled = || {
        ListActivitiesError::Unhandled(Unhandled::from_meta(
            ErrorMetadata::builder()
                .code("ThrottlingException")
                .message("slow down")
                .status(400)
                .build(),
        ))
    };
    let rule = MockRule::for_operation::<ListActivities>()
        .sequence()
        .error(throttled)
        .output(|| page(&[], None))
        .build();
    let mocks = MockConnector::new(RuleMode::Sequential, [rule]);
    let retry =
        RetryConfig::standard().with_max_attempts(2).with_initial_backoff(Duration::from_millis(1));
    let client = Client::from_conf(mocks.client_config().to_builder().retry_config(retry).build());
    // Throttling is retried: the second response answers.
    assert_eq!(client.list_activities().send().await.unwrap(), page(&[], None));
    assert_eq!(mocks.requests().len(), 2);

    let mocks = MockConnector::new(
        RuleMode::Sequential,
        [MockRule::for_operation::<ListActivities>().then_error(throttled)],
    );
    let err = Client::from_conf(mocks.client_config()).list_activities().send().await.unwrap_err();
    let err = err.as_service_error().expect("a service error");
    assert!(err.is_unhandled());
    assert_eq!((err.code(), err.message()), (Some("ThrottlingException"), Some("slow down")));
}
