//! End-to-end tests of the generated SFN client live in `tests/`; run them with `tests/moto.sh`.
