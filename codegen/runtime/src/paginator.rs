//! Paginated operations as streams: one request per page, each sent with the token the previous
//! page returned.
//!
//! Generated code supplies, per `@paginated` operation, how to set the input token, read the
//! output token and take the items of a page; everything else is here. A token is a string, or a
//! map (DynamoDB's `ExclusiveStartKey`/`LastEvaluatedKey`): see [`PageToken`]. A stream ends
//! after the page whose token is absent or empty. A service that hands out a token a second time would make
//! the stream loop forever: the stream yields that page, then a [`RepeatedToken`] error, then ends
//! — or, after [`PageStream::stop_on_duplicate_token`]`(true)` (what the AWS SDK for Rust does
//! by default), ends quietly after that page.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::client::Handle;
use crate::error::{ResponseError, SdkError};
use crate::operation::Operation;

/// What a page stream yields.
type PageResult<O> = Result<<O as Operation>::Output, SdkError<<O as Operation>::Error>>;

type CallFuture<O> = Pin<
    Box<
        dyn Future<Output = Result<<O as Operation>::Output, SdkError<<O as Operation>::Error>>>
            + Send,
    >,
>;

/// The type of a pagination token: `String`, or a map of strings to values.
///
/// Tokens are compared for the repeated-token check: strings by their bytes, maps by their
/// content (the same keys, each with an equal value; the order of entries does not matter).
pub trait PageToken: Clone + Send + Sync + 'static {
    /// The tokens a stream has seen.
    type Seen: Default + Send + Sync;

    /// An empty token ends the stream as an absent one does.
    fn is_empty(&self) -> bool;

    /// Whether `seen` holds a token equal to this one.
    fn seen_in(&self, seen: &Self::Seen) -> bool;

    /// Adds this token to `seen`.
    fn add_to(&self, seen: &mut Self::Seen);

    /// What a [`RepeatedToken`] error shows of the token: a string token as it is; a map token
    /// only by its keys (its values are data, such as the key of a table's item).
    fn describe(&self) -> String;
}

impl PageToken for String {
    type Seen = HashSet<String>;

    fn is_empty(&self) -> bool {
        str::is_empty(self)
    }

    fn seen_in(&self, seen: &HashSet<String>) -> bool {
        seen.contains(self)
    }

    fn add_to(&self, seen: &mut HashSet<String>) {
        seen.insert(self.clone());
    }

    fn describe(&self) -> String {
        self.clone()
    }
}

/// Map tokens have no hash (their values may hold floats or documents): the few a stream sees
/// are kept in a list and compared by value.
impl<V: Clone + PartialEq + Send + Sync + 'static> PageToken for HashMap<String, V> {
    type Seen = Vec<HashMap<String, V>>;

    fn is_empty(&self) -> bool {
        HashMap::is_empty(self)
    }

    fn seen_in(&self, seen: &Vec<HashMap<String, V>>) -> bool {
        seen.iter().any(|t| t == self)
    }

    fn add_to(&self, seen: &mut Vec<HashMap<String, V>>) {
        seen.push(self.clone());
    }

    fn describe(&self) -> String {
        let mut keys: Vec<&str> = self.keys().map(String::as_str).collect();
        keys.sort_unstable();
        format!("{{map with the keys {}}}", keys.join(", "))
    }
}

/// How one paginated operation passes its token (of type `T`) along. Written by generated code.
pub struct Pagination<O: Operation, T = String> {
    /// Sets the input's token member (`None` for the first page).
    pub set_token: fn(&mut O::Input, Option<T>),
    /// The output's token member.
    pub next_token: fn(&O::Output) -> Option<&T>,
}

impl<O: Operation, T> Clone for Pagination<O, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O: Operation, T> Copy for Pagination<O, T> {}

/// The stream of the pages of a paginated operation: each item is one page (the output of one
/// call) or the error that ended the stream.
///
/// It implements `futures_core::Stream`; without a stream library, call [`PageStream::next`] in
/// a loop, or [`PageStream::try_collect`].
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<O: Operation, T: PageToken = String> {
    handle: Handle,
    input: O::Input,
    pagination: Pagination<O, T>,
    seen: T::Seen,
    /// How many tokens `seen` holds.
    tokens_seen: usize,
    stop_quietly: bool,
    state: State<O, T>,
}

enum State<O: Operation, T> {
    /// The next request is to be sent with this token.
    Next(Option<T>),
    Sending(CallFuture<O>),
    /// The last page was yielded; this error comes next.
    Failed(SdkError<O::Error>),
    Done,
}

impl<O: Operation, T: PageToken> PageStream<O, T>
where
    O::Input: Clone,
{
    /// The pages of `O` called with `input`, starting from the token already set in `input`
    /// (the first page when it has none).
    pub fn new(
        handle: Handle,
        input: O::Input,
        first_token: Option<T>,
        pagination: Pagination<O, T>,
    ) -> Self {
        let mut seen = T::Seen::default();
        let first_token = first_token.filter(|t| !t.is_empty());
        if let Some(t) = &first_token {
            t.add_to(&mut seen);
        }
        let tokens_seen = usize::from(first_token.is_some());
        let state = State::Next(first_token);
        PageStream { handle, input, pagination, seen, tokens_seen, stop_quietly: false, state }
    }

    /// What to do when the service returns a token it returned before: `false` (the default)
    /// ends the stream with a [`RepeatedToken`] error after that page; `true` ends it quietly
    /// after that page, as the AWS SDK for Rust does.
    pub fn stop_on_duplicate_token(mut self, stop: bool) -> Self {
        self.stop_quietly = stop;
        self
    }

    /// The next page, or `None` after the last.
    pub async fn next(&mut self) -> Option<PageResult<O>> {
        poll_fn(|cx| self.poll_page(cx)).await
    }

    /// Reads every page; stops at the first error.
    pub async fn try_collect(mut self) -> Result<Vec<O::Output>, SdkError<O::Error>> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }

    /// The stream of the items of every page, taken from each page by `items`.
    pub fn items<I>(self, items: fn(O::Output) -> Vec<I>) -> ItemStream<O, I, T> {
        ItemStream { pages: self, items, buffer: Vec::new().into_iter() }
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<PageResult<O>>> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Failed(e) => return Poll::Ready(Some(Err(e))),
                State::Next(token) => {
                    let mut input = self.input.clone();
                    (self.pagination.set_token)(&mut input, token);
                    let handle = self.handle.clone();
                    self.state =
                        State::Sending(Box::pin(async move { handle.call::<O>(input).await }));
                }
                State::Sending(mut call) => match call.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = State::Sending(call);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(page)) => {
                        self.state = match (self.pagination.next_token)(&page) {
                            None => State::Done,
                            Some(token) if token.is_empty() => State::Done,
                            Some(token) if token.seen_in(&self.seen) && self.stop_quietly => {
                                State::Done
                            }
                            Some(token) if token.seen_in(&self.seen) => {
                                State::Failed(SdkError::ResponseError(ResponseError::new(
                                    RepeatedToken { operation: O::NAME, token: token.describe() },
                                    None,
                                )))
                            }
                            Some(token) => {
                                token.add_to(&mut self.seen);
                                self.tokens_seen += 1;
                                State::Next(Some(token.clone()))
                            }
                        };
                        return Poll::Ready(Some(Ok(page)));
                    }
                },
            }
        }
    }
}

impl<O: Operation, T: PageToken> futures_core::Stream for PageStream<O, T>
where
    O::Input: Clone,
{
    type Item = Result<O::Output, SdkError<O::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

// Every field is either `Unpin` or a boxed future.
impl<O: Operation, T: PageToken> Unpin for PageStream<O, T> {}

impl<O: Operation, T: PageToken> fmt::Debug for PageStream<O, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Next(_) => "ready",
            State::Sending(_) => "sending",
            State::Failed(_) => "failed",
            State::Done => "done",
        };
        f.debug_struct("PageStream")
            .field("operation", &O::NAME)
            .field("pages_seen", &self.tokens_seen)
            .field("state", &state)
            .finish()
    }
}

/// The stream of the items of every page of a paginated operation.
///
/// `T` is the item type (a `(key, value)` pair when a page's items are a map), `K` the token type.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<O: Operation, T, K: PageToken = String> {
    pages: PageStream<O, K>,
    items: fn(O::Output) -> Vec<T>,
    buffer: std::vec::IntoIter<T>,
}

impl<O: Operation, T, K: PageToken> ItemStream<O, T, K>
where
    O::Input: Clone,
{
    /// See [`PageStream::stop_on_duplicate_token`].
    pub fn stop_on_duplicate_token(mut self, stop: bool) -> Self {
        self.pages.stop_quietly = stop;
        self
    }

    /// The next item, or `None` after the last item of the last page.
    pub async fn next(&mut self) -> Option<Result<T, SdkError<O::Error>>> {
        poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Reads every item of every page; stops at the first error.
    pub async fn try_collect(mut self) -> Result<Vec<T>, SdkError<O::Error>> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, SdkError<O::Error>>>> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => self.buffer = (self.items)(page).into_iter(),
            }
        }
    }
}

impl<O: Operation, T, K: PageToken> futures_core::Stream for ItemStream<O, T, K>
where
    O::Input: Clone,
{
    type Item = Result<T, SdkError<O::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

impl<O: Operation, T, K: PageToken> Unpin for ItemStream<O, T, K> {}

impl<O: Operation, T, K: PageToken> fmt::Debug for ItemStream<O, T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

/// The service returned a pagination token it had returned before: following it would loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedToken {
    operation: &'static str,
    token: String,
}

impl RepeatedToken {
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The token: a string token as it is, a map token by its keys (see [`PageToken::describe`]).
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Display for RepeatedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} returned the pagination token `{}` a second time; stopping instead of requesting the same pages again",
            self.operation, self.token
        )
    }
}

impl std::error::Error for RepeatedToken {}
