//! The one error type every API call returns.

use std::fmt;

use crate::t;

/// Vendor code used when the request never got an HTTP answer (offline, DNS, CORS, aborted).
pub const NETWORK: &str = "NETWORK";
/// Vendor code used when a 2xx answer could not be read as the expected JSON.
pub const DECODE: &str = "DECODE";
/// Vendor code used when the request body could not be built.
pub const REQUEST: &str = "REQUEST";

/// What went wrong, worded when shown (in the language of the moment): the service's own words,
/// or one of the console's messages about a request that did not get that far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    /// The service's (or engine's) message, shown as it came.
    Service(String),
    /// No HTTP answer; the browser's reason.
    NoAnswer(String),
    /// A 2xx answer the console could not read.
    Unreadable(String),
    /// The request body could not be built.
    NotBuilt(String),
    /// An HTTP error status without a body.
    EmptyError,
    /// An HTTP error status with an HTML page (a proxy's, a static host's).
    PageError,
    /// An HTTP error status with a body that is not a vendor error (its first 300 characters).
    TextError(String),
    /// The console's translations could not be used.
    Catalog(String),
    /// A date and time in the address that is not one.
    BadDateTime(String),
    /// A view's code (its wasm chunk) did not arrive.
    ViewCode,
}

/// A failed API call: HTTP status (0 when there was no answer), vendor code and message, and the
/// `X-Request-Id` the server sent so a user can quote it to support.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub detail: Detail,
    pub request_id: Option<String>,
}

impl ApiError {
    /// Maps an HTTP error answer: vendor code/message from any body shape the vendors use
    /// (`lakedeck_api::error::parse_vendor_error`); without one, the status is the code (as the SDK does).
    pub fn from_response(status: u16, body: &str, request_id: Option<String>) -> ApiError {
        let request_id =
            request_id.filter(|s| !s.trim().is_empty()).or_else(|| lakedeck_api::error::parse_vendor_request_id(body));
        match lakedeck_api::error::parse_vendor_error(body) {
            Some((code, message)) => ApiError { status, code, detail: Detail::Service(message), request_id },
            None => {
                let text = body.trim();
                let detail = if text.is_empty() {
                    Detail::EmptyError
                } else if text.starts_with('<') {
                    // An HTML error page (proxy, static host): its markup says nothing useful here.
                    Detail::PageError
                } else {
                    // Keep it short: a proxy's error text is not worth showing in full.
                    Detail::TextError(text.chars().take(300).collect())
                };
                ApiError { status, code: status.to_string(), detail, request_id }
            }
        }
    }

    /// Maps an error answer of the Alluxio coordinator (`{"status": …}` bodies); anything else
    /// is read as [`from_response`](Self::from_response) does (a proxy's or gateway's body).
    pub fn from_alluxio_response(status: u16, body: &str, request_id: Option<String>) -> ApiError {
        match lakedeck_api::error::parse_alluxio_error(status, body) {
            Some((code, message)) => {
                let request_id = request_id
                    .filter(|s| !s.trim().is_empty())
                    .or_else(|| lakedeck_api::error::parse_vendor_request_id(body));
                ApiError { status, code, detail: Detail::Service(message), request_id }
            }
            None => ApiError::from_response(status, body, request_id),
        }
    }

    /// The request did not reach the server or its answer was lost.
    pub fn network(detail: impl fmt::Display) -> ApiError {
        ApiError { status: 0, code: NETWORK.into(), detail: Detail::NoAnswer(detail.to_string()), request_id: None }
    }

    /// A 2xx answer whose body is not what the console expects.
    pub fn decode(status: u16, detail: impl fmt::Display, request_id: Option<String>) -> ApiError {
        ApiError { status, code: DECODE.into(), detail: Detail::Unreadable(detail.to_string()), request_id }
    }

    /// A request the console could not build.
    pub fn not_built(detail: impl fmt::Display) -> ApiError {
        ApiError { status: 0, code: REQUEST.into(), detail: Detail::NotBuilt(detail.to_string()), request_id: None }
    }

    /// The translations fetched do not fit this console.
    pub fn catalog(detail: impl fmt::Display) -> ApiError {
        ApiError { status: 0, code: DECODE.into(), detail: Detail::Catalog(detail.to_string()), request_id: None }
    }

    /// A message of the service (or engine) without an HTTP exchange of its own.
    pub fn service(code: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError { status: 0, code: code.into(), detail: Detail::Service(message.into()), request_id: None }
    }

    /// The message in the current language (tracked); the service's own words stay as they are.
    pub fn message(&self) -> String {
        match &self.detail {
            Detail::Service(m) => m.clone(),
            Detail::NoAnswer(d) => t!(error.no_answer, detail = d),
            Detail::Unreadable(d) => t!(error.unreadable, detail = d),
            Detail::NotBuilt(d) => t!(error.not_built, detail = d),
            Detail::EmptyError => t!(error.http_empty, status = self.status),
            Detail::PageError => t!(error.http_page, status = self.status),
            Detail::TextError(text) => t!(error.http_text, status = self.status, text = text),
            Detail::Catalog(d) => t!(error.catalog, detail = d),
            Detail::BadDateTime(v) => t!(error.bad_datetime, value = v),
            Detail::ViewCode => t!(error.view_code),
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

    /// What a refused call means for the user, and what to do: 401 is "sign in again", a 403 says
    /// whether the role, the gateway's allowlist or the project was the reason.
    pub fn auth_advice(&self) -> Option<String> {
        Some(match (self.status, self.code.as_str()) {
            (401, _) => crate::t!(error.advice.unauthorized),
            (403, "Gateway.RoleDenied") => crate::t!(error.advice.role),
            (403, "Gateway.NotAllowed") => crate::t!(error.advice.allowlist),
            (403, "Gateway.ScopeDenied") => crate::t!(error.advice.scope),
            (403, "Gateway.OriginDenied") => crate::t!(error.advice.origin),
            (403, _) => crate::t!(error.advice.forbidden),
            _ => return None,
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {}): {}", self.code, self.status, self.message())?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
