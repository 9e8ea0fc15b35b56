//! `src/waiters.rs`: one fluent builder per waiter of the model (`smithy.waiters#waitable`),
//! the client methods that return them (`client.wait_until_<name>()`), and each waiter's
//! acceptors and delays as a `WaiterSpec` for the runtime's `waiter::wait`.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::shapes::builder_methods;
use super::{doc, doc_lines, ident, rt};
use crate::ir::waiters::{AcceptorState, Comparator, Matcher, Waiter};
use crate::ir::{Operation, Service};
use crate::naming::unraw;

/// Whether the crate has a `waiters` module.
pub fn has_waiters(service: &Service) -> bool {
    service.operations.iter().any(|op| !op.waiters.is_empty())
}

/// The `pub mod waiters;` line of `lib.rs`, when the service has waiters.
pub fn module_decl(service: &Service) -> TokenStream {
    if has_waiters(service) {
        // Documented by its own module docs (an outer doc here would make rustdoc resolve the
        // module's links in the crate root).
        quote!(
            pub mod waiters;
        )
    } else {
        quote!()
    }
}

/// The `src/waiters.rs` module.
pub fn waiters_rs(service: &Service) -> TokenStream {
    let rt = rt();
    let items =
        service.operations.iter().flat_map(|op| op.waiters.iter().map(move |w| waiter(op, w)));
    quote! {
        //! Waiters (the model's `smithy.waiters#waitable`): each `wait_until_<name>()` method of
        //! the client returns a fluent builder; set the operation's input on it and call
        //! `wait(max_wait)`, which polls the operation until the service reaches a state.
        //!
        //! A wait ends with the response that reached the success state ([`FinalPoll`]), or a
        //! [`WaiterError`]: a failure state reached (with its response), `max_wait` passed
        //! ([`TimedOut`]), or the operation failed with an error no acceptor expects.

        pub use #rt::waiter::{FinalPoll, TimedOut, WaiterError};

        #(#items)*
    }
}

fn waiter(op: &Operation, w: &Waiter) -> TokenStream {
    let rt = rt();
    let module = ident(&op.fn_name);
    let marker = format_ident!("{}", op.name);
    let input_builder = format_ident!("{}Builder", op.input.rust_name);
    let output = format_ident!("{}", op.output.rust_name);
    let error = format_ident!("{}", op.error_type());
    let builder = format_ident!("{}", w.builder);
    let spec = format_ident!("{}", w.spec_const);
    let client_fn = ident(&w.fn_name);
    let name = w.name.as_str();
    let (min, max) = (Literal::u64_unsuffixed(w.min_delay), Literal::u64_unsuffixed(w.max_delay));
    let acceptors = w.acceptors.iter().map(|a| {
        let state = match a.state {
            AcceptorState::Success => quote!(Success),
            AcceptorState::Failure => quote!(Failure),
            AcceptorState::Retry => quote!(Retry),
        };
        let matcher = match &a.matcher {
            Matcher::Output { path, expected, comparator } => {
                let c = comparator_tokens(*comparator);
                quote!(Output(#rt::waiter::PathMatcher::new(#path, #expected, #rt::waiter::Comparator::#c)))
            }
            Matcher::InputOutput { path, expected, comparator } => {
                let c = comparator_tokens(*comparator);
                quote!(InputOutput(#rt::waiter::PathMatcher::new(#path, #expected, #rt::waiter::Comparator::#c)))
            }
            Matcher::Success(b) => quote!(Success(#b)),
            Matcher::ErrorType(e) => quote!(ErrorType(#e)),
        };
        quote!(#rt::waiter::Acceptor::new(#rt::waiter::AcceptorState::#state, #rt::waiter::Matcher::#matcher),)
    });
    let inner = quote!(self.inner);
    // The links of the setters' docs name the input by its path: it is not in scope here.
    let input_path = format!("crate::operation::{}::{}", unraw(&op.fn_name), op.input.rust_name);
    let setters = op.input.members.iter().map(|m| builder_methods(m, &input_path, Some(&inner)));
    let op_fn = unraw(&op.fn_name);
    let mut method_docs = w.docs.clone();
    if !method_docs.is_empty() {
        method_docs.push(String::new());
    }
    method_docs.push(format!(
        "Waiter `{name}`: calls [`{}`](crate::Client::{op_fn}) until the service reaches a state; \
         set the input on the returned [`{}`] and call `wait(max_wait)`.",
        op.name, w.builder
    ));
    method_docs.push(String::new());
    method_docs.push(format!("Delays between attempts: from {min} s, growing up to {max} s."));
    let method_docs = doc_lines(&method_docs);
    let builder_doc = doc(&format!(
        "Waits with waiter `{name}` (calling `{}`): set the input with the methods named after its \
         members, then call [`Self::wait`].",
        op.name
    ));
    let dep = w.deprecated.then(|| quote!(#[deprecated]));
    let allow_dep = op.deprecated.as_ref().map(|_| quote!(#[allow(deprecated)]));
    let spec_doc = doc(&format!("The acceptors and delays of waiter `{name}`, from the model."));
    quote! {
        #spec_doc
        static #spec: #rt::waiter::WaiterSpec = #rt::waiter::WaiterSpec::new(#name, #min, #max, &[#(#acceptors)*]);

        impl crate::Client {
            #method_docs
            #dep
            pub fn #client_fn(&self) -> #builder {
                #builder::new(self.handle.clone())
            }
        }

        #builder_doc
        #[derive(Debug, Clone)]
        pub struct #builder {
            handle: #rt::client::Handle,
            inner: crate::operation::#module::#input_builder,
        }

        impl #builder {
            pub(crate) fn new(handle: #rt::client::Handle) -> Self {
                #builder { handle, inner: Default::default() }
            }

            /// The input built so far.
            pub fn as_input(&self) -> &crate::operation::#module::#input_builder {
                &self.inner
            }

            /// Calls the operation until an acceptor of the waiter moves it to success or
            /// failure, an error no acceptor expects comes back, or `max_wait` passes. The first
            /// attempt is made at once; the client's time source and retry sleep time the rest.
            #allow_dep
            pub async fn wait(
                self,
                max_wait: std::time::Duration,
            ) -> Result<
                FinalPoll<crate::operation::#module::#output, crate::operation::#module::#error>,
                WaiterError<crate::operation::#module::#output, crate::operation::#module::#error>,
            > {
                #rt::waiter::wait::<crate::operation::#module::#marker>(
                    &self.handle,
                    &#spec,
                    self.inner.build_unchecked(),
                    max_wait,
                )
                .await
            }

            #(#setters)*
        }
    }
}

fn comparator_tokens(c: Comparator) -> TokenStream {
    match c {
        Comparator::StringEquals => quote!(StringEquals),
        Comparator::BooleanEquals => quote!(BooleanEquals),
        Comparator::AllStringEquals => quote!(AllStringEquals),
        Comparator::AnyStringEquals => quote!(AnyStringEquals),
    }
}
