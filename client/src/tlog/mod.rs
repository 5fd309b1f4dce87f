//! Talking to a log over plain HTTP, shared by the publisher and auditor
//! commands.

mod error;
pub mod http;

pub use error::ToolError;
pub use http::LogClient;
