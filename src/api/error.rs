//! The one error type every API call returns.

use std::fmt;

/// Vendor code used when the request never got an HTTP answer (offline, DNS, CORS, aborted).
pub const NETWORK: &str = "NETWORK";
/// Vendor code used when a 2xx answer could not be read as the expected JSON.
pub const DECODE: &str = "DECODE";
/// Vendor code used when the request body could not be built.
pub const REQUEST: &str = "REQUEST";

/// A failed API call: HTTP status (0 when there was no answer), vendor code and message, and the
/// `X-Request-Id` the server sent so a user can quote it to support.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
}

impl ApiError {
    /// Maps an HTTP error answer: vendor code/message from any body shape the vendors use
    /// (`lakedeck_api::error::parse_vendor_error`); without one, the status is the code (as the SDK does).
    pub fn from_response(status: u16, body: &str, request_id: Option<String>) -> ApiError {
        let request_id =
            request_id.filter(|s| !s.trim().is_empty()).or_else(|| lakedeck_api::error::parse_vendor_request_id(body));
        match lakedeck_api::error::parse_vendor_error(body) {
            Some((code, message)) => ApiError { status, code, message, request_id },
            None => {
                let text = body.trim();
                let message = if text.is_empty() {
                    format!("The server answered HTTP {status} without an error body.")
                } else if text.starts_with('<') {
                    // An HTML error page (proxy, static host): its markup says nothing useful here.
                    format!("The server answered HTTP {status} with a page that is not an API error.")
                } else {
                    // Keep it short: a proxy's HTML error page is not worth showing in full.
                    let short: String = text.chars().take(300).collect();
                    format!("The server answered HTTP {status}: {short}")
                };
                ApiError { status, code: status.to_string(), message, request_id }
            }
        }
    }

    /// The request did not reach the server or its answer was lost.
    pub fn network(detail: impl fmt::Display) -> ApiError {
        ApiError {
            status: 0,
            code: NETWORK.into(),
            message: format!("The request did not reach the server: {detail}. Check the endpoint in Settings and your connection."),
            request_id: None,
        }
    }

    /// A 2xx answer whose body is not what the console expects.
    pub fn decode(status: u16, detail: impl fmt::Display, request_id: Option<String>) -> ApiError {
        ApiError {
            status,
            code: DECODE.into(),
            message: format!("The server's answer could not be read: {detail}"),
            request_id,
        }
    }

    /// Whether trying the same request again may succeed (network trouble, server errors, throttling).
    pub fn is_retryable(&self) -> bool {
        self.status == 0 || self.status >= 500 || self.status == 429
    }

    /// Whether the answer means the credentials are missing or wrong.
    pub fn is_auth(&self) -> bool {
        self.status == 401 || self.status == 403
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {}): {}", self.code, self.status, self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
