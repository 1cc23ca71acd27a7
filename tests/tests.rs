//! One integration-test binary, a module per topic; each drives the built
//! `dedup` binary in a temporary directory.

mod clean;
mod events;
mod formats;
mod furniture;
mod index;
mod inputs;
mod neardup;
mod output;
mod properties;
mod readme;
mod regression;
mod schemas;
mod shard;
mod terminal;
mod util;
mod workflows;
