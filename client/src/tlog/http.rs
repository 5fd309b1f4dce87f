//! Plain-HTTP access to a log: the tlog-tiles read API (c2sp.org/tlog-tiles)
//! and `POST /v1/entries` (DESIGN §5). Nothing here is trusted: callers
//! verify every byte against a checkpoint that verified under the policy.

use std::io::Read as _;
use std::time::Duration;

use super::ToolError;

/// How long to wait for the log to connect and to answer.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer read from a log: a full tile is 8 KiB, a full entry
/// bundle at most 256 entries of at most 65,535 bytes each.
pub const MAX_ANSWER_BYTES: u64 = 256 * (65_535 + 2) + 1;
/// Longest error body quoted in a message.
const MAX_QUOTED: usize = 200;

/// A log reached at a base URL.
#[derive(Debug, Clone)]
pub struct LogClient {
    base: String,
    client: reqwest::blocking::Client,
}

/// An answer: status and body.
#[derive(Debug)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body, at most [`MAX_ANSWER_BYTES`].
    pub body: Vec<u8>,
}

impl Answer {
    /// A header's value as text, if present and printable.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(ToOwned::to_owned)
    }
}

impl LogClient {
    /// A client for the log at `url` (`http://host:port`, no trailing path).
    ///
    /// # Errors
    /// [`ToolError::NotHttp`] for anything but `http://` (the build has no
    /// TLS stack); [`ToolError::HttpClient`] if the client cannot be built.
    pub fn new(url: &str) -> Result<Self, ToolError> {
        let base = url.trim_end_matches('/');
        if !base.starts_with("http://") {
            return Err(ToolError::NotHttp {
                url: url.to_owned(),
            });
        }
        let client = reqwest::blocking::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| ToolError::HttpClient(e.to_string()))?;
        Ok(Self {
            base: base.to_owned(),
            client,
        })
    }

    /// The base URL, without a trailing `/`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET <base>/<path>`, any status.
    ///
    /// # Errors
    /// [`ToolError::Unreachable`], [`ToolError::ReadAnswer`].
    pub fn get(&self, path: &str) -> Result<Answer, ToolError> {
        let url = format!("{}/{path}", self.base);
        self.send(self.client.get(&url), &url)
    }

    /// `GET <base>/<path>`, requiring 200.
    ///
    /// # Errors
    /// As [`LogClient::get`]; [`ToolError::UnexpectedStatus`] otherwise.
    pub fn get_ok(&self, path: &str) -> Result<Vec<u8>, ToolError> {
        let answer = self.get(path)?;
        if answer.status != 200 {
            return Err(unexpected(&format!("{}/{path}", self.base), &answer));
        }
        Ok(answer.body)
    }

    /// `POST <base>/<path>` with `body`, any status.
    ///
    /// # Errors
    /// [`ToolError::Unreachable`], [`ToolError::ReadAnswer`].
    pub fn post(&self, path: &str, body: Vec<u8>) -> Result<Answer, ToolError> {
        let url = format!("{}/{path}", self.base);
        self.send(self.client.post(&url).body(body), &url)
    }

    fn send(
        &self,
        request: reqwest::blocking::RequestBuilder,
        url: &str,
    ) -> Result<Answer, ToolError> {
        let response = request.send().map_err(|e| ToolError::Unreachable {
            url: self.base.clone(),
            cause: root_cause(&e),
        })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        response
            .take(MAX_ANSWER_BYTES)
            .read_to_end(&mut body)
            .map_err(|e| ToolError::ReadAnswer {
                url: url.to_owned(),
                cause: e.to_string(),
            })?;
        if body.len() as u64 >= MAX_ANSWER_BYTES {
            return Err(ToolError::ReadAnswer {
                url: url.to_owned(),
                cause: format!("larger than {} bytes", MAX_ANSWER_BYTES - 1),
            });
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// The error for an answer with an unexpected status, quoting its start.
pub fn unexpected(url: &str, answer: &Answer) -> ToolError {
    let text = String::from_utf8_lossy(&answer.body);
    let body: String = text.trim().chars().take(MAX_QUOTED).collect();
    ToolError::UnexpectedStatus {
        url: url.to_owned(),
        status: answer.status,
        body,
    }
}

/// The innermost error message ("Connection refused"), which says more
/// than reqwest's outer "error sending request".
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
