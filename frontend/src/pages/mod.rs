//! One module per screen.

pub mod dashboards;
pub mod duplicates;
pub mod feed;
pub mod forms;
pub mod journeys;
pub mod lead_import;
pub mod leads;
pub mod login;
pub mod not_found;
pub mod pipeline;
pub mod pool;
pub mod routing;
pub mod scoring;
pub mod settings;
