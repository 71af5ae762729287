//! The only code in the console that does HTTP.
//!
//! Everything goes through [`request`]: it joins the path onto the endpoint from the session's
//! configuration, adds `X-Auth-Token`, `Content-Type` and the user's language (`X-Language`, the
//! MRS convention, and `Accept-Language`), and maps every failure into one [`ApiError`].
//! Per-service modules (`mrs`, `emr`, `alluxio`) only build paths, queries and bodies.

pub mod alluxio;
pub mod emr;
mod error;
pub mod jobs;
pub mod meta;
pub mod mrs;
pub mod scaling;
pub mod sql;
pub mod tags;
pub mod wire;

pub use error::{ApiError, Detail, DECODE, NETWORK, REQUEST};

use std::cell::RefCell;
use std::rc::Rc;

use lakedeck_api::config::ConsoleConfig;
use serde::Serialize;
use wire::FromWire;

use crate::i18n::Lang;

thread_local! {
    static ON_UNAUTHORIZED: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Runs `f` whenever an API answers 401 (the token is missing, wrong or expired): an embedding portal
/// is told so it can hand over a new one. `None` removes it.
pub fn on_unauthorized(f: Option<Rc<dyn Fn()>>) {
    ON_UNAUTHORIZED.with(|h| *h.borrow_mut() = f);
}

/// HTTP methods the console uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

/// What a request needs to know about the session: where the APIs are, the token and the
/// language the services should answer in. A cheap snapshot taken from the session store when a
/// request starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApiClient {
    pub config: ConsoleConfig,
    pub token: Option<String>,
    pub lang: Lang,
}

impl ApiClient {
    pub fn new(config: ConsoleConfig, token: Option<String>, lang: Lang) -> ApiClient {
        ApiClient { config, token: token.filter(|t| !t.trim().is_empty()), lang }
    }

    pub fn project_id(&self) -> &str {
        &self.config.project_id
    }
}

/// Which service a path belongs to (each has its own endpoint in `config.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Mrs,
    /// Alibaba EMR Serverless Spark (ROA).
    EmrServerless,
    /// Alibaba EMR's classic API (RPC): the Flow jobs.
    Emr,
    /// The Huawei VPC service (`endpoints.vpc`).
    Vpc,
    /// The Alluxio coordinator REST API (`endpoints.alluxio`).
    Alluxio,
}

impl Service {
    fn url(self, config: &ConsoleConfig, path_and_query: &str) -> String {
        match self {
            Service::Mrs => config.mrs_url(path_and_query),
            Service::EmrServerless => config.emr_serverless_url(path_and_query),
            Service::Emr => config.emr_url(path_and_query),
            Service::Vpc => config.vpc_url(path_and_query),
            Service::Alluxio => config.alluxio_url(path_and_query),
        }
    }
}

/// Percent-encodes one path segment or query value (RFC 3986: only `A-Za-z0-9-._~` stay as they are),
/// the same encoding the request signer uses.
pub use lakedeck_api::sign::uri_encode as encode_component;

/// `?k=v&k2=v2` from pairs, skipping empty values; empty string when nothing is left.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Reads a successful answer: an empty body (204 and friends) reads as JSON `null`, so `()` and
/// `Option<T>` work for operations without a body.
pub fn decode_success<T: FromWire>(status: u16, body: &str, request_id: Option<String>) -> Result<T, ApiError> {
    let text = if body.trim().is_empty() { "null" } else { body };
    wire::decode(text).map_err(|e| ApiError::decode(status, e, request_id))
}

/// The one request function: `method path` on `service`, with an optional JSON body, answering `T`.
pub async fn request<T, B>(
    client: &ApiClient,
    service: Service,
    method: Method,
    path_and_query: &str,
    body: Option<&B>,
) -> Result<T, ApiError>
where
    T: FromWire,
    B: Serialize + ?Sized,
{
    let body = match body {
        Some(b) => Some(serde_json::to_string(b).map_err(ApiError::not_built)?),
        None => None,
    };
    let (status, text, request_id) = send(client, service, method, path_and_query, body).await?;
    decode_success(status, &text, request_id)
}

/// The HTTP exchange of [`request`], not generic (one copy in the bundle): a 2xx answer gives its
/// status, body and request id; anything else is mapped to an [`ApiError`].
pub(crate) async fn send(
    client: &ApiClient,
    service: Service,
    method: Method,
    path_and_query: &str,
    body: Option<String>,
) -> Result<(u16, String, Option<String>), ApiError> {
    send_body(client, service, method, path_and_query, body.map(|b| (b, "application/json"))).await
}

/// [`send`] with a body of any content type (the Alibaba RPC API takes forms).
pub(crate) async fn send_body(
    client: &ApiClient,
    service: Service,
    method: Method,
    path_and_query: &str,
    body: Option<(String, &'static str)>,
) -> Result<(u16, String, Option<String>), ApiError> {
    use gloo_net::http::{Method as M, RequestBuilder};

    let url = service.url(&client.config, path_and_query);
    let mut builder = RequestBuilder::new(&url)
        .method(match method {
            Method::Get => M::GET,
            Method::Post => M::POST,
            Method::Put => M::PUT,
            Method::Delete => M::DELETE,
        })
        .header("Accept", "application/json")
        .header("X-Language", client.lang.x_language())
        .header("Accept-Language", client.lang.accept_language());
    if let Some(token) = &client.token {
        builder = builder.header("X-Auth-Token", token);
    }
    let req = match body {
        Some((b, content_type)) => builder.header("Content-Type", content_type).body(b),
        None => builder.header("Content-Type", "application/json").build(),
    }
    .map_err(ApiError::not_built)?;

    let resp = req.send().await.map_err(ApiError::network)?;
    let status = resp.status();
    let request_id = resp.headers().get("x-request-id").or_else(|| resp.headers().get("x-acs-request-id"));
    let text = resp.text().await.map_err(ApiError::network)?;
    if (200..300).contains(&status) {
        Ok((status, text, request_id))
    } else if service == Service::Alluxio {
        Err(ApiError::from_alluxio_response(status, &text, request_id))
    } else {
        if status == 401 {
            if let Some(f) = ON_UNAUTHORIZED.with(|h| h.borrow().clone()) {
                f();
            }
        }
        Err(ApiError::from_response(status, &text, request_id))
    }
}

/// Fetches a same-origin static JSON document relative to the page (used for `config.json`).
pub async fn fetch_static<T: FromWire>(relative_url: &str) -> Result<T, ApiError> {
    let (status, text) = fetch_text(relative_url).await?;
    wire::decode(&text).map_err(|e| ApiError::decode(status, e, None))
}

/// A same-origin static file relative to the page, as text (the translation catalogs).
pub async fn fetch_text_file(relative_url: &str) -> Result<String, ApiError> {
    fetch_text(relative_url).await.map(|(_, text)| text)
}

async fn fetch_text(relative_url: &str) -> Result<(u16, String), ApiError> {
    let resp = gloo_net::http::Request::get(relative_url)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(ApiError::network)?;
    let status = resp.status();
    let text = resp.text().await.map_err(ApiError::network)?;
    if (200..300).contains(&status) {
        Ok((status, text))
    } else {
        Err(ApiError::from_response(status, &text, None))
    }
}
