//! Paginated operations as streams: one request per page, each sent with the token the previous
//! page returned.
//!
//! Generated code supplies, per `@paginated` operation, how to set the input token, read the
//! output token and take the items of a page; everything else is here. A stream ends after the
//! page whose token is absent or empty. A service that hands out a token a second time would make
//! the stream loop forever: the stream yields that page, then a [`RepeatedToken`] error, then ends
//! — or, after [`PageStream::stop_on_duplicate_token`]`(true)` (what the AWS SDK for Rust does
//! by default), ends quietly after that page.

use std::collections::HashSet;
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
    Box<dyn Future<Output = Result<<O as Operation>::Output, SdkError<<O as Operation>::Error>>> + Send>,
>;

/// How one paginated operation passes its token along. Written by generated code.
pub struct Pagination<O: Operation> {
    /// Sets the input's token member (`None` for the first page).
    pub set_token: fn(&mut O::Input, Option<String>),
    /// The output's token member.
    pub next_token: fn(&O::Output) -> Option<&str>,
}

impl<O: Operation> Clone for Pagination<O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<O: Operation> Copy for Pagination<O> {}

/// The stream of the pages of a paginated operation: each item is one page (the output of one
/// call) or the error that ended the stream.
///
/// It implements `futures_core::Stream`; without a stream library, call [`PageStream::next`] in
/// a loop, or [`PageStream::try_collect`].
#[must_use = "streams do nothing unless polled"]
pub struct PageStream<O: Operation> {
    handle: Handle,
    input: O::Input,
    pagination: Pagination<O>,
    seen: HashSet<String>,
    stop_quietly: bool,
    state: State<O>,
}

enum State<O: Operation> {
    /// The next request is to be sent with this token.
    Next(Option<String>),
    Sending(CallFuture<O>),
    /// The last page was yielded; this error comes next.
    Failed(SdkError<O::Error>),
    Done,
}

impl<O: Operation> PageStream<O>
where
    O::Input: Clone,
{
    /// The pages of `O` called with `input`, starting from the token already set in `input`
    /// (the first page when it has none).
    pub fn new(handle: Handle, input: O::Input, first_token: Option<String>, pagination: Pagination<O>) -> Self {
        let mut seen = HashSet::new();
        let first_token = first_token.filter(|t| !t.is_empty());
        if let Some(t) = &first_token {
            seen.insert(t.clone());
        }
        PageStream { handle, input, pagination, seen, stop_quietly: false, state: State::Next(first_token) }
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
    pub fn items<T>(self, items: fn(O::Output) -> Vec<T>) -> ItemStream<O, T> {
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
                    self.state = State::Sending(Box::pin(async move { handle.call::<O>(input).await }));
                }
                State::Sending(mut call) => match call.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = State::Sending(call);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(page)) => {
                        self.state = match (self.pagination.next_token)(&page) {
                            None | Some("") => State::Done,
                            Some(token) if self.seen.contains(token) && self.stop_quietly => State::Done,
                            Some(token) if !self.seen.insert(token.to_owned()) => State::Failed(
                                SdkError::ResponseError(ResponseError::new(
                                    RepeatedToken { operation: O::NAME, token: token.to_owned() },
                                    None,
                                )),
                            ),
                            Some(token) => State::Next(Some(token.to_owned())),
                        };
                        return Poll::Ready(Some(Ok(page)));
                    }
                },
            }
        }
    }
}

impl<O: Operation> futures_core::Stream for PageStream<O>
where
    O::Input: Clone,
{
    type Item = Result<O::Output, SdkError<O::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

// Every field is either `Unpin` or a boxed future.
impl<O: Operation> Unpin for PageStream<O> {}

impl<O: Operation> fmt::Debug for PageStream<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Next(_) => "ready",
            State::Sending(_) => "sending",
            State::Failed(_) => "failed",
            State::Done => "done",
        };
        f.debug_struct("PageStream").field("operation", &O::NAME).field("pages_seen", &self.seen.len()).field("state", &state).finish()
    }
}

/// The stream of the items of every page of a paginated operation.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<O: Operation, T> {
    pages: PageStream<O>,
    items: fn(O::Output) -> Vec<T>,
    buffer: std::vec::IntoIter<T>,
}

impl<O: Operation, T> ItemStream<O, T>
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

impl<O: Operation, T> futures_core::Stream for ItemStream<O, T>
where
    O::Input: Clone,
{
    type Item = Result<T, SdkError<O::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

impl<O: Operation, T> Unpin for ItemStream<O, T> {}

impl<O: Operation, T> fmt::Debug for ItemStream<O, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").field("pages", &self.pages).field("buffered", &self.buffer.len()).finish()
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
