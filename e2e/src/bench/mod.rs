//! The benchmark harness behind `cargo xtask bench`: a seeded data generator, a load generator
//! and the baselines each figure is compared with, all run by the `leadflow-bench` binary.
//!
//! - [`data`]: the dataset (leads, duplicates, events) as a pure function of a seed;
//! - [`store`]: writes it straight into a migrated database, and times raw batched INSERTs;
//! - [`server`]: the release server as a child process (cold start, memory);
//! - [`api`] and [`load`]: clients as users are, closed- and open-loop load, bounded;
//! - [`baseline`]: the bare axum handler;
//! - [`journey`]: a journey with every lead enrolled and due, and its set-based SQL baseline;
//! - [`run`]: the measurements and the markdown report; [`stats`]: percentiles and ratios.

pub mod api;
pub mod baseline;
pub mod data;
pub mod journey;
pub mod load;
pub mod rng;
pub mod run;
pub mod server;
pub mod stats;
pub mod store;
