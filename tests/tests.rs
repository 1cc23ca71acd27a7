//! One integration-test binary, a module per topic; each drives the built
//! `dedup` binary in a temporary directory.

mod events;
mod inputs;
mod output;
mod util;
