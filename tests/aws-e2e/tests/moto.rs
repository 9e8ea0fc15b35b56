//! SQS, DynamoDB and KMS through clients generated from their AWS models, against moto.
//!
//! Run by `./test.sh` (through `tests/moto.sh`, which starts moto and sets `MOTO_ENDPOINT`) after
//! `cargo xtask aws-e2e-clients` has generated the clients. Without a moto server every test fails
//! with a message saying so, rather than being skipped.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

fn endpoint() -> String {
    let endpoint = std::env::var("MOTO_ENDPOINT").unwrap_or_default();
    assert!(
        !endpoint.is_empty(),
        "MOTO_ENDPOINT is not set: these tests need a moto server; run them with tests/moto.sh"
    );
    endpoint
}

/// A name no other test (or earlier run against the same server) uses.
fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!(
        "{prefix}-{}-{}-{}",
        std::process::id(),
        nanos % 1_000_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

mod sqs {
    use sqs_client::error::{ProvideErrorMetadata, SdkError};
    use sqs_client::operation::get_queue_url::GetQueueUrlError;
    use sqs_client::{Client, Config};

    fn client() -> Client {
        Client::from_conf(
            Config::builder()
                .region("us-east-1")
                .credentials_provider(sqs_client::config::Credentials::new(
                    "AKID", "SECRET", None, None, "test",
                ))
                .endpoint_url(super::endpoint())
                .build(),
        )
    }

    #[tokio::test]
    async fn create_queue_send_receive_delete() {
        let client = client();
        let name = super::unique("e2e");
        let url = client.create_queue().queue_name(&name).send().await.expect("CreateQueue");
        let url = url.queue_url().expect("a queue URL").to_string();
        assert!(url.ends_with(&format!("/{name}")), "{url}");

        let sent = client
            .send_message()
            .queue_url(&url)
            .message_body("hello from Rust")
            .send()
            .await
            .expect("SendMessage");
        let id = sent.message_id().expect("a message id").to_string();

        let got = client
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .send()
            .await
            .expect("ReceiveMessage");
        let messages = got.messages();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_eq!(messages[0].message_id(), Some(id.as_str()));
        assert_eq!(messages[0].body(), Some("hello from Rust"));
        let receipt = messages[0].receipt_handle().expect("a receipt handle");
        client
            .delete_message()
            .queue_url(&url)
            .receipt_handle(receipt)
            .send()
            .await
            .expect("DeleteMessage");
        let again = client.receive_message().queue_url(&url).send().await.expect("ReceiveMessage");
        assert!(again.messages().is_empty(), "{:?}", again.messages());

        let listed =
            client.list_queues().queue_name_prefix(&name).send().await.expect("ListQueues");
        assert_eq!(listed.queue_urls(), std::slice::from_ref(&url));
        client.delete_queue().queue_url(&url).send().await.expect("DeleteQueue");
    }

    /// SQS is `@awsQueryCompatible`: the modeled error comes back with its awsQuery code.
    #[tokio::test]
    async fn missing_queue_is_a_modeled_error() {
        let err =
            client().get_queue_url().queue_name(super::unique("missing")).send().await.unwrap_err();
        let SdkError::ServiceError(e) = &err else {
            panic!("expected a service error, got {err:?}")
        };
        assert!(matches!(e.err(), GetQueueUrlError::QueueDoesNotExist(_)), "{err:?}");
        assert_eq!(e.err().code(), Some("AWS.SimpleQueueService.NonExistentQueue"), "{err:?}");
    }
}

mod dynamodb {
    use super::HashMap;
    use dynamodb_client::error::SdkError;
    use dynamodb_client::operation::describe_table::DescribeTableError;
    use dynamodb_client::types::{
        AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
        ScalarAttributeType, TableStatus,
    };
    use dynamodb_client::waiters::WaiterError;
    use dynamodb_client::{Client, Config};
    use std::time::Duration;

    fn client() -> Client {
        Client::from_conf(
            Config::builder()
                .region("us-east-1")
                .credentials_provider(dynamodb_client::config::Credentials::new(
                    "AKID", "SECRET", None, None, "test",
                ))
                .endpoint_url(super::endpoint())
                .build(),
        )
    }

    async fn create_table(client: &Client) -> String {
        let table = super::unique("e2e");
        client
            .create_table()
            .table_name(&table)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("sk")
                    .attribute_type(ScalarAttributeType::N)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("pk")
                    .key_type(KeyType::Hash)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("sk")
                    .key_type(KeyType::Range)
                    .build()
                    .unwrap(),
            )
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
            .expect("CreateTable");
        table
    }

    /// 7 items read 3 at a time: the Query paginator follows `LastEvaluatedKey` (a map token) over
    /// 3 pages and stops after the page without one.
    #[tokio::test]
    async fn query_paginator_follows_map_tokens_over_pages() {
        let client = client();
        let table = create_table(&client).await;
        for i in 0..7 {
            client
                .put_item()
                .table_name(&table)
                .item("pk", AttributeValue::S("p".into()))
                .item("sk", AttributeValue::N(i.to_string()))
                .item("body", AttributeValue::S(format!("item {i}")))
                .send()
                .await
                .expect("PutItem");
        }
        let query = || {
            client
                .query()
                .table_name(&table)
                .key_condition_expression("pk = :p")
                .expression_attribute_values(":p", AttributeValue::S("p".into()))
                .into_paginator()
                .page_size(3)
        };
        let pages = query().send().try_collect().await.expect("Query pages");
        let counts: Vec<i32> = pages.iter().map(|p| p.count()).collect();
        assert_eq!(counts, [3, 3, 1], "{pages:?}");
        // Every page but the last hands a key back, and it is the key of the page's last item.
        for page in &pages[..2] {
            let key = page.last_evaluated_key().expect("a LastEvaluatedKey");
            let last = page.items().last().unwrap();
            assert_eq!(key.len(), 2, "{key:?}");
            assert_eq!(key.get("sk"), last.get("sk"));
        }
        assert_eq!(pages[2].last_evaluated_key(), None);

        let items = query().items().send().try_collect().await.expect("Query items");
        let bodies: Vec<&AttributeValue> =
            items.iter().map(|i: &HashMap<String, AttributeValue>| &i["body"]).collect();
        let expected: Vec<AttributeValue> =
            (0..7).map(|i| AttributeValue::S(format!("item {i}"))).collect();
        assert_eq!(bodies, expected.iter().collect::<Vec<_>>());

        // Starting from a key given by the caller: the pages after it.
        let after = pages[0].last_evaluated_key().unwrap().clone();
        let rest = client
            .query()
            .table_name(&table)
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", AttributeValue::S("p".into()))
            .set_exclusive_start_key(Some(after))
            .into_paginator()
            .page_size(3)
            .items()
            .send()
            .try_collect()
            .await
            .expect("Query from a key");
        assert_eq!(rest.len(), 4, "{rest:?}");
        assert_eq!(rest[0]["sk"], AttributeValue::N("3".into()));

        client.delete_table().table_name(&table).send().await.expect("DeleteTable");
    }

    #[tokio::test]
    async fn get_item_round_trips_every_attribute_kind() {
        let client = client();
        let table = create_table(&client).await;
        let item: HashMap<String, AttributeValue> = [
            ("pk", AttributeValue::S("k".into())),
            ("sk", AttributeValue::N("1".into())),
            ("b", AttributeValue::B(dynamodb_client::primitives::Blob::new(vec![0u8, 1, 255]))),
            ("bool", AttributeValue::Bool(true)),
            ("null", AttributeValue::Null(true)),
            ("ss", AttributeValue::Ss(vec!["x".into(), "y".into()])),
            (
                "l",
                AttributeValue::L(vec![
                    AttributeValue::N("2".into()),
                    AttributeValue::S("two".into()),
                ]),
            ),
            (
                "m",
                AttributeValue::M(HashMap::from([(
                    "inner".to_string(),
                    AttributeValue::S("v".into()),
                )])),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        client
            .put_item()
            .table_name(&table)
            .set_item(Some(item.clone()))
            .send()
            .await
            .expect("PutItem");
        let got = client
            .get_item()
            .table_name(&table)
            .key("pk", AttributeValue::S("k".into()))
            .key("sk", AttributeValue::N("1".into()))
            .send()
            .await
            .expect("GetItem");
        assert_eq!(got.item(), Some(&item));
        client.delete_table().table_name(&table).send().await.expect("DeleteTable");
    }

    /// The model's waiters on DescribeTable: `TableExists` ends with the ACTIVE table,
    /// `TableNotExists` with the ResourceNotFoundException after DeleteTable. moto creates and
    /// deletes tables at once, so both end on their first attempt (no delay slept).
    #[tokio::test]
    async fn table_exists_and_table_not_exists_waiters() {
        let client = client();
        let table = create_table(&client).await;
        let poll = client
            .wait_until_table_exists()
            .table_name(&table)
            .wait(Duration::from_secs(60))
            .await
            .unwrap_or_else(|e| panic!("TableExists: {e:?}"));
        let described = poll.output().and_then(|o| o.table()).expect("a described table");
        assert_eq!(described.table_name(), Some(table.as_str()));
        assert_eq!(described.table_status(), Some(&TableStatus::Active));
        assert_eq!(poll.attempts(), 1);

        client.delete_table().table_name(&table).send().await.expect("DeleteTable");
        let poll = client
            .wait_until_table_not_exists()
            .table_name(&table)
            .wait(Duration::from_secs(60))
            .await
            .unwrap_or_else(|e| panic!("TableNotExists: {e:?}"));
        let Err(SdkError::ServiceError(e)) = poll.as_result() else {
            panic!("expected the accepted ResourceNotFoundException, got {poll:?}")
        };
        assert!(matches!(e.err(), DescribeTableError::ResourceNotFoundException(_)), "{poll:?}");
        assert_eq!(poll.attempts(), 1);
    }

    /// `TableExists` on a table that never appears: each ResourceNotFoundException is a retry,
    /// and the wait ends at `max_wait` (1 s, under the waiter's 20 s minDelay, so the one delay
    /// is cut to the time left), after a last attempt at the deadline.
    #[tokio::test]
    async fn table_exists_waiter_times_out_on_a_missing_table() {
        let max_wait = Duration::from_secs(1);
        let err = client()
            .wait_until_table_exists()
            .table_name(super::unique("never"))
            .wait(max_wait)
            .await
            .expect_err("the table never appears");
        let WaiterError::TimedOut(t) = &err else { panic!("expected TimedOut, got {err:?}") };
        assert_eq!(t.max_wait(), max_wait);
        assert!(t.attempts() >= 2, "{t:?}");
    }
}

mod kms {
    use kms_client::error::{ProvideErrorMetadata, SdkError};
    use kms_client::operation::describe_key::DescribeKeyError;
    use kms_client::primitives::Blob;
    use kms_client::{Client, Config};

    fn client() -> Client {
        Client::from_conf(
            Config::builder()
                .region("us-east-1")
                .credentials_provider(kms_client::config::Credentials::new(
                    "AKID", "SECRET", None, None, "test",
                ))
                .endpoint_url(super::endpoint())
                .build(),
        )
    }

    #[tokio::test]
    async fn encrypt_then_decrypt() {
        let client = client();
        let created = client.create_key().description("e2e").send().await.expect("CreateKey");
        let key = created.key_metadata().expect("key metadata");
        let key_id = key.key_id().to_string();
        assert!(key.arn().is_some_and(|a| a.ends_with(&format!("key/{key_id}"))), "{key:?}");

        let plaintext = b"secret bytes \x00\xff".to_vec();
        let encrypted = client
            .encrypt()
            .key_id(&key_id)
            .plaintext(Blob::new(plaintext.clone()))
            .send()
            .await
            .expect("Encrypt");
        let blob = encrypted.ciphertext_blob().expect("a ciphertext").clone();
        assert_ne!(blob.as_ref(), plaintext.as_slice());
        let decrypted = client.decrypt().ciphertext_blob(blob).send().await.expect("Decrypt");
        assert_eq!(decrypted.plaintext().map(|p| p.as_ref()), Some(plaintext.as_slice()));
        assert!(decrypted.key_id().is_some_and(|k| k.ends_with(&key_id)), "{decrypted:?}");

        let described = client.describe_key().key_id(&key_id).send().await.expect("DescribeKey");
        assert_eq!(described.key_metadata().map(|k| k.key_id()), Some(key_id.as_str()));
    }

    #[tokio::test]
    async fn unknown_key_is_a_modeled_error() {
        let err = client()
            .describe_key()
            .key_id("00000000-0000-0000-0000-000000000000")
            .send()
            .await
            .unwrap_err();
        let SdkError::ServiceError(e) = &err else {
            panic!("expected a service error, got {err:?}")
        };
        assert!(matches!(e.err(), DescribeKeyError::NotFoundException(_)), "{err:?}");
        assert_eq!(e.err().code(), Some("NotFoundException"));
    }
}
