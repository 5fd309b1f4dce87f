//! Blocking HTTP for driving the services from tests.

use std::time::Duration;

/// A response: status, content type and body.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The body as UTF-8 text.
    ///
    /// # Panics
    /// If it is not UTF-8.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("HTTP client")
}

fn send(request: reqwest::blocking::RequestBuilder) -> Result<Response, reqwest::Error> {
    let response = request.send()?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(ToOwned::to_owned);
    let body = response.bytes()?.to_vec();
    Ok(Response {
        status,
        content_type,
        body,
    })
}

/// GET `url`, or the transport error.
///
/// # Errors
/// Connection and read errors.
pub fn try_get(url: &str) -> Result<Response, reqwest::Error> {
    send(client().get(url))
}

/// GET `url`.
///
/// # Panics
/// On a transport error.
pub fn get(url: &str) -> Response {
    try_get(url).unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

/// POST `body` to `url`.
///
/// # Panics
/// On a transport error.
pub fn post(url: &str, body: &[u8]) -> Response {
    send(client().post(url).body(body.to_vec())).unwrap_or_else(|e| panic!("POST {url}: {e}"))
}
