//! The HTTP front end of kutip: `POST /v1/extract` runs the pipeline on a posted article,
//! `GET /v1/quotes|figures|speakers|disagreements|merges` search a corpus ledger with the
//! filters of `kutip query`, and `/` serves the web page (assets embedded, no CDN).
//!
//! Every error is JSON `{"error": {"status", "message"}}` with the matching status. Bodies
//! past the limit get 413; malformed JSON or non-UTF-8 text get 400; work that takes longer
//! than the timeout gets 503. The ledger is read through a small pool of read-only
//! connections; `POST /v1/ingest` exists only when the server is started with a token, and
//! then requires it (`Authorization: Bearer ...`).

mod jobs;
pub mod net;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jobs::{CancelOnDrop, Job};
use kutip_store::{DisagreementQuery, DocIn, FigureQuery, QuoteQuery, SqliteStore, Store};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const STYLE_CSS: &str = include_str!("../assets/style.css");
const OPENAPI: &str = include_str!("../assets/openapi.json");
const FAVICON: &str = include_str!("../assets/favicon.svg");

#[derive(Clone)]
pub struct Config {
    pub db: Option<PathBuf>,
    /// `HOST:PORT`; a host name ("localhost") is resolved.
    pub addr: String,
    pub body_limit: usize,
    pub timeout: Duration,
    /// Time to send a request's head, and to start the next on a kept-alive connection.
    pub header_timeout: Duration,
    pub max_connections: usize,
    /// Extractions (and HTTP ingests) running at once; as many more may wait, the rest get 503.
    pub workers: usize,
    pub ingest_token: Option<String>,
    pub aliases: HashMap<String, String>,
    pub model: Option<Arc<kutip::tagger::Model>>,
    /// Read connections kept open.
    pub readers: usize,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
    /// The work was cut off by the request timeout.
    timed_out: bool,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            timed_out: false,
        }
    }
    fn busy(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }
    fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

fn error_body(status: StatusCode, message: &str) -> Response {
    let mut r = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        net::error_json(status.as_u16(), message),
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_body(self.status, &self.message)
    }
}

impl From<kutip_store::Error> for ApiError {
    fn from(e: kutip_store::Error) -> ApiError {
        match e {
            kutip_store::Error::Busy => ApiError::busy(e.to_string()),
            kutip_store::Error::Invalid(m) => ApiError::bad(m),
            _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        }
    }
}

impl From<kutip::ledger::Failure> for ApiError {
    fn from(e: kutip::ledger::Failure) -> ApiError {
        match e {
            kutip::ledger::Failure::Stopped => ApiError {
                timed_out: true,
                ..ApiError::busy("the request was given up before the work was done")
            },
            kutip::ledger::Failure::Panic(m) => {
                log(&format!("kutip serve: internal error: {m}"));
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error while analysing this document (a bug in kutip; the server log has the details)",
                )
            }
        }
    }
}

/// Read-only stores, reused across requests.
struct Pool {
    path: PathBuf,
    aliases: HashMap<String, String>,
    idle: Mutex<Vec<SqliteStore>>,
    slots: tokio::sync::Semaphore,
}

impl Pool {
    fn open(&self) -> Result<SqliteStore, ApiError> {
        let mut s = SqliteStore::open_read_only(&self.path)
            .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string()))?;
        s.set_aliases(self.aliases.clone());
        Ok(s)
    }

    /// Forget idle connections (after an ingest, so speakers are reloaded).
    fn refresh(&self) {
        if let Ok(mut v) = self.idle.lock() {
            v.clear();
        }
    }
}

struct AppState {
    cfg: Config,
    pool: Option<Pool>,
    writer: Option<Mutex<SqliteStore>>,
    /// Extraction work running (`cfg.workers` permits) and waiting (as many again).
    running: Arc<tokio::sync::Semaphore>,
    waiting: tokio::sync::Semaphore,
}

type Shared = Arc<AppState>;

/// Run blocking work on the blocking pool, bounded by the request timeout.
async fn blocking<R: Send + 'static>(
    timeout: Duration,
    f: impl FnOnce() -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    match tokio::time::timeout(timeout, tokio::task::spawn_blocking(f)).await {
        Ok(r) => r.unwrap_or_else(|e| Err(join_error(e))),
        Err(_) => Err(timed_out(timeout)),
    }
}

fn timed_out(timeout: Duration) -> ApiError {
    ApiError {
        timed_out: true,
        ..ApiError::busy(format!(
            "the request took longer than {} s",
            timeout.as_secs_f64()
        ))
    }
}

fn join_error(e: tokio::task::JoinError) -> ApiError {
    if e.is_panic() {
        log(&format!(
            "kutip serve: internal error: {}",
            kutip::ledger::panic_message(e.into_panic().as_ref())
        ));
    }
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error (a bug in kutip; the server log has the details)",
    )
}

/// Extraction work for one request: at most `cfg.workers` run at once and as many wait; more
/// are turned away with 503. The work gets a [`Job`] that is cancelled when the deadline
/// passes or the request goes away; work that has claimed its commit is waited for.
async fn job<R: Send + 'static>(
    st: &Shared,
    f: impl FnOnce(&Job) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    let timeout = st.cfg.timeout;
    let deadline = Instant::now() + timeout;
    let Ok(_waiting) = st.waiting.try_acquire() else {
        return Err(ApiError::busy(
            "the server is busy with other documents; try again shortly",
        ));
    };
    let permit = tokio::time::timeout_at(deadline.into(), st.running.clone().acquire_owned())
        .await
        .map_err(|_| timed_out(timeout))?
        .map_err(|_| ApiError::busy("shutting down"))?;
    let job = Arc::new(Job::new(deadline));
    let _cancel = CancelOnDrop(job.clone());
    let j = job.clone();
    let mut handle = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        f(&j)
    });
    match tokio::time::timeout_at(deadline.into(), &mut handle).await {
        Ok(r) => r.unwrap_or_else(|e| Err(join_error(e))),
        Err(_) if job.cancel() => Err(timed_out(timeout)),
        // it is committing: the answer is what the commit gives
        Err(_) => handle.await.unwrap_or_else(|e| Err(join_error(e))),
    }
}

async fn with_store<R: Send + 'static>(
    st: &Shared,
    f: impl FnOnce(&SqliteStore) -> Result<R, kutip_store::Error> + Send + 'static,
) -> Result<R, ApiError> {
    let Some(pool) = &st.pool else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no ledger database: start the server with --db",
        ));
    };
    let _slot = pool
        .slots
        .acquire()
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting down"))?;
    let store = match pool.idle.lock().ok().and_then(|mut v| v.pop()) {
        Some(s) => s,
        None => pool.open()?,
    };
    let st2 = st.clone();
    let interrupt = store.connection().get_interrupt_handle();
    let r = blocking(st.cfg.timeout, move || {
        let r = f(&store);
        if let Some(p) = &st2.pool {
            if let Ok(mut v) = p.idle.lock() {
                v.push(store);
            }
        }
        r.map_err(ApiError::from)
    })
    .await;
    if r.as_ref().is_err_and(|e| e.timed_out) {
        // stop the query so its connection comes back to the pool
        interrupt.interrupt();
    }
    r
}

fn body_bytes(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body is larger than the limit of {limit} bytes"),
            )
        } else {
            ApiError::new(e.status(), format!("could not read the request body: {e}"))
        }
    })
}

#[derive(Deserialize, Default)]
struct DocJson {
    /// the article as text ...
    #[serde(default)]
    text: Option<String>,
    /// ... or as a web page (then `text` is ignored and the page's main text is analysed)
    #[serde(default)]
    html: Option<String>,
    id: Option<String>,
    title: Option<String>,
    date: Option<String>,
    url: Option<String>,
    outlet: Option<String>,
}

impl DocJson {
    fn meta(&self) -> kutip::Meta {
        kutip::Meta {
            title: self.title.clone(),
            date: self.date.clone(),
            url: self.url.clone(),
            outlet: self.outlet.clone(),
            path: None,
            author: None,
        }
    }
}

fn is_json(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"))
}

/// The content type's media type (lower case) and its `charset` parameter.
fn content_type(h: &HeaderMap) -> (String, Option<String>) {
    let v = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parts = v.split(';');
    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
    });
    (media, charset)
}

/// A posted web page: `text/html` or `application/xhtml+xml`, or no content type and a body
/// that starts like HTML.
fn is_html(headers: &HeaderMap, body: &[u8]) -> bool {
    let (media, _) = content_type(headers);
    matches!(media.as_str(), "text/html" | "application/xhtml+xml")
        || (media.is_empty() && kutip_html::looks_like_html(body))
}

/// What `/v1/extract` runs on: the text (for a page, its main text), its metadata, and for a
/// page its structure.
struct Input {
    id: String,
    text: String,
    meta: kutip::Meta,
    source: Option<Vec<kutip::doc::SourceBlock>>,
}

impl Input {
    /// A page read from its HTML; metadata the client gave wins over the page's own.
    fn page(html: &[u8], charset: Option<&str>, given: &DocJson) -> Input {
        let page = kutip_html::read(html, given.url.as_deref(), charset);
        let meta = page.meta_under(given.meta());
        Input {
            id: given.id.clone().unwrap_or_else(|| "request".into()),
            source: Some(page.source_blocks()),
            text: page.text,
            meta,
        }
    }

    fn of(headers: &HeaderMap, body: &[u8]) -> Result<Input, ApiError> {
        if is_html(headers, body) {
            let none = DocJson::default();
            return Ok(Input::page(body, content_type(headers).1.as_deref(), &none));
        }
        Input::from_doc(&parse_doc(headers, body)?)
    }

    /// A document given as JSON: its `html` read as a page, else its `text`.
    fn from_doc(doc: &DocJson) -> Result<Input, ApiError> {
        if let Some(h) = &doc.html {
            return Ok(Input::page(h.as_bytes(), Some("utf-8"), doc));
        }
        let Some(text) = doc.text.clone() else {
            return Err(ApiError::bad(
                "the JSON body needs \"text\" (the article) or \"html\" (a web page)",
            ));
        };
        Ok(Input {
            id: doc.id.clone().unwrap_or_else(|| "request".into()),
            meta: doc.meta(),
            text,
            source: None,
        })
    }
}

fn parse_doc(headers: &HeaderMap, body: &[u8]) -> Result<DocJson, ApiError> {
    if is_json(headers) {
        serde_json::from_slice::<DocJson>(body)
            .map_err(|e| ApiError::bad(format!("invalid JSON body: {e}")))
    } else {
        let text = std::str::from_utf8(body).map_err(|e| {
            ApiError::bad(format!(
                "body is not valid UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        Ok(DocJson {
            text: Some(text.to_string()),
            ..DocJson::default()
        })
    }
}

async fn extract(
    State(st): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body_bytes(body, st.cfg.body_limit)?;
    if body.is_empty() {
        return Err(ApiError::bad(
            "empty request body: send the article as text/plain, a page as text/html, or JSON {\"text\": ...} or {\"html\": ...}",
        ));
    }
    let model = st.cfg.model.clone();
    let json = job(&st, move |job| {
        let input = Input::of(&headers, &body)?;
        let stop = || job.stopped();
        let opts = kutip::ledger::Options {
            model: model.as_deref(),
            stop: Some(&stop),
            timings: None,
            source: input.source.as_deref(),
        };
        let l = kutip::ledger::run(&input.id, &input.text, input.meta, &opts)?;
        serde_json::to_vec(&l)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
    })
    .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response())
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(t)| t)
        .map_err(|e| ApiError::bad(format!("invalid query parameters: {}", e.body_text())))
}

fn limit(l: Option<usize>, default: usize) -> Result<usize, ApiError> {
    kutip_store::filters::limit(l.unwrap_or(default)).map_err(ApiError::from)
}

/// A page of rows as the API answers it: the rows under `key`, with `total`, `offset`,
/// `limit` and, when there are more, the `next` offset.
fn page<T: serde::Serialize>(key: &str, p: kutip_store::Page<T>) -> Json<Value> {
    let next = (p.offset + p.rows.len() < p.total).then(|| p.offset + p.rows.len());
    Json(json!({
        key: p.rows,
        "total": p.total,
        "offset": p.offset,
        "limit": p.limit,
        "next": next,
    }))
}

/// An empty query parameter means "no filter".
/// A control character (NUL and the like) in a parameter is a client error, not a query.
fn given(v: Option<String>) -> Result<Option<String>, ApiError> {
    match v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
        Some(s) if s.chars().any(|c| c.is_control()) => Err(ApiError::bad(
            "query parameters may not hold control characters (such as %00)",
        )),
        v => Ok(v),
    }
}

#[derive(Deserialize)]
struct QuotesParams {
    speaker: Option<String>,
    text: Option<String>,
    since: Option<String>,
    until: Option<String>,
    outlet: Option<String>,
    kind: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    /// `json` (the default) or `csv`
    format: Option<String>,
}

/// Is `format=csv` asked (or an unknown format, an error)?
fn wants_csv(f: Option<&str>) -> Result<bool, ApiError> {
    match f.map(str::trim).filter(|f| !f.is_empty()) {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(o) => Err(ApiError::bad(format!(
            "format must be json or csv, not {o:?}"
        ))),
    }
}

/// Rows as a CSV download.
fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

async fn quotes(
    State(st): State<Shared>,
    q: Result<Query<QuotesParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = query(q)?;
    let csv = wants_csv(p.format.as_deref())?;
    let kind = given(p.kind)?;
    let qq = QuoteQuery {
        speaker: given(p.speaker)?,
        text: given(p.text)?,
        since: given(p.since)?,
        until: given(p.until)?,
        outlet: given(p.outlet)?,
        kind,
        limit: limit(
            p.limit,
            if csv {
                kutip_store::filters::MAX_LIMIT
            } else {
                50
            },
        )?,
        offset: p.offset.unwrap_or(0),
    };
    let rows = with_store(&st, move |s| s.quotes(&qq)).await?;
    if csv {
        let body = kutip_store::export::rows_csv(&rows.rows, kutip_store::export::QUOTE_CSV, true)?;
        return Ok(csv_response("kutip-statements.csv", body));
    }
    Ok(page("quotes", rows).into_response())
}

#[derive(Deserialize)]
struct FiguresParams {
    category: Option<String>,
    what: Option<String>,
    source: Option<String>,
    place: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    /// `json` (the default) or `csv`
    format: Option<String>,
}

async fn figures(
    State(st): State<Shared>,
    q: Result<Query<FiguresParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let p = query(q)?;
    let csv = wants_csv(p.format.as_deref())?;
    let fq = FigureQuery {
        category: given(p.category)?,
        what: given(p.what)?,
        source: given(p.source)?,
        place: given(p.place)?,
        since: given(p.since)?,
        until: given(p.until)?,
        limit: limit(
            p.limit,
            if csv {
                kutip_store::filters::MAX_LIMIT
            } else {
                200
            },
        )?,
        offset: p.offset.unwrap_or(0),
    };
    let rows = with_store(&st, move |s| s.figures(&fq)).await?;
    if csv {
        let body =
            kutip_store::export::rows_csv(&rows.rows, kutip_store::export::FIGURE_CSV, true)?;
        return Ok(csv_response("kutip-figures.csv", body));
    }
    Ok(page("figures", rows).into_response())
}

#[derive(Deserialize)]
struct LimitParams {
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn speakers(
    State(st): State<Shared>,
    q: Result<Query<LimitParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = query(q)?;
    let (n, o) = (limit(p.limit, 50)?, p.offset.unwrap_or(0));
    let rows = with_store(&st, move |s| s.speakers(n, o)).await?;
    Ok(page("speakers", rows))
}

async fn merges(
    State(st): State<Shared>,
    q: Result<Query<LimitParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = query(q)?;
    let (n, o) = (limit(p.limit, 200)?, p.offset.unwrap_or(0));
    let rows = with_store(&st, move |s| s.merges(n, o)).await?;
    Ok(page("merges", rows))
}

#[derive(Deserialize)]
struct DisagreementParams {
    category: Option<String>,
    window: Option<i64>,
    threshold: Option<f64>,
    limit: Option<usize>,
}

async fn disagreements(
    State(st): State<Shared>,
    q: Result<Query<DisagreementParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = query(q)?;
    let threshold = p.threshold.unwrap_or(0.1);
    if !(0.0..=100.0).contains(&threshold) {
        return Err(ApiError::bad("threshold must be between 0 and 100"));
    }
    let window = p.window.unwrap_or(7);
    if !(0..=36_500).contains(&window) {
        return Err(ApiError::bad("window must be between 0 and 36500 days"));
    }
    let dq = DisagreementQuery {
        category: given(p.category)?,
        window_days: window,
        threshold,
        limit: limit(p.limit, 50)?,
    };
    let rows = with_store(&st, move |s| s.disagreements(&dq)).await?;
    Ok(Json(json!({ "disagreements": rows })))
}

/// Compare two secrets in time that does not depend on where they differ: their digests are
/// compared byte by byte without stopping early.
fn same_secret(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

async fn ingest(
    State(st): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(bearer) = bearer else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "ingest needs a token (Authorization: Bearer ...)",
        ));
    };
    let Some(token) = &st.cfg.ingest_token else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "ingest over HTTP is disabled (start the server with --ingest-token)",
        ));
    };
    if !same_secret(bearer, token) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing or wrong ingest token (Authorization: Bearer ...)",
        ));
    }
    if st.writer.is_none() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no ledger database: start the server with --db",
        ));
    }
    let body = body_bytes(body, st.cfg.body_limit)?;
    if !is_json(&headers) {
        return Err(ApiError::bad(
            "ingest takes application/json: one document or an array of documents",
        ));
    }
    let docs: Vec<DocJson> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(a)) => a
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value(v).map_err(|e| ApiError::bad(format!("document {i}: {e}")))
            })
            .collect::<Result<_, _>>()?,
        Ok(v) => vec![serde_json::from_value(v).map_err(|e| ApiError::bad(e.to_string()))?],
        Err(e) => return Err(ApiError::bad(format!("invalid JSON body: {e}"))),
    };
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        let Some(id) = d.id.as_deref() else {
            return Err(ApiError::bad(format!("document {i} has no id")));
        };
        if let Some(j) = first.insert(id, i) {
            return Err(ApiError::bad(format!(
                "document {i} repeats the id {id:?} of document {j}; a batch holds each document once"
            )));
        }
    }
    drop(first);
    let st2 = st.clone();
    let stats = job(&st, move |job| {
        let stop = || job.stopped();
        let opts = kutip::ledger::Options {
            model: st2.cfg.model.as_deref(),
            stop: Some(&stop),
            timings: None,
            source: None,
        };
        let mut ins = Vec::with_capacity(docs.len());
        for d in &docs {
            let input = Input::from_doc(d)?;
            let opts = kutip::ledger::Options {
                source: input.source.as_deref(),
                ..opts
            };
            ins.push(DocIn {
                hash: kutip_store::doc_hash(&input.text, &input.meta),
                bytes: input.text.len(),
                ledger: kutip::ledger::run(&input.id, &input.text, input.meta, &opts)?,
            });
        }
        let w = st2
            .writer
            .as_ref()
            .ok_or_else(|| ApiError::busy("no ledger database"))?;
        let mut w = w
            .lock()
            .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "writer poisoned"))?;
        // the batch commits only if the request still stands when it is written
        let s = match w.ingest_with(&ins, &mut || job.claim_commit()) {
            Err(kutip_store::Error::Cancelled) => {
                return Err(ApiError {
                    timed_out: true,
                    ..ApiError::busy("the request was given up before the batch was committed")
                })
            }
            r => r?,
        };
        if let Some(p) = &st2.pool {
            p.refresh();
        }
        Ok(s)
    })
    .await?;
    Ok(Json(json!({ "ingested": stats })))
}

async fn healthz(State(st): State<Shared>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "schema": kutip::SCHEMA,
        "ledger": st.cfg.db.as_ref().map(|p| p.display().to_string()),
        "model": st.cfg.model.is_some(),
        "ingest": st.cfg.ingest_token.is_some(),
    }))
}

fn asset(ct: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(ct))], body).into_response()
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such endpoint (see /openapi.json)",
    )
}

/// Errors produced outside the handlers (unknown method, timeout layer) become JSON too.
async fn json_errors(res: Response) -> Response {
    let s = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if (s.is_client_error() || s.is_server_error()) && !is_json {
        let msg = s.canonical_reason().unwrap_or("error").to_string();
        return error_body(s, &msg);
    }
    res
}

/// The longest request URI accepted, and the most header bytes and headers.
const MAX_URI: usize = 8 * 1024;
const MAX_HEADER_BYTES: usize = 16 * 1024;
const MAX_HEADERS: usize = 64;

/// Refuse at once what is too large to handle: a declared body past the limit (413, before a
/// byte of it is read), a long URI (414), too many or too large headers (431).
async fn request_limits(
    req: axum::extract::Request,
    next: axum::middleware::Next,
    body_limit: usize,
) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u128>().ok());
    if declared.is_some_and(|n| n > body_limit as u128) {
        return error_body(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("request body is larger than the limit of {body_limit} bytes"),
        );
    }
    let uri = req.uri().to_string().len();
    if uri > MAX_URI {
        return error_body(
            StatusCode::URI_TOO_LONG,
            &format!("the request URI is {uri} bytes long; at most {MAX_URI} are accepted"),
        );
    }
    let h = req.headers();
    let bytes: usize = h.iter().map(|(k, v)| k.as_str().len() + v.len()).sum();
    if h.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return error_body(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            &format!(
                "at most {MAX_HEADERS} headers of {MAX_HEADER_BYTES} bytes in all are accepted"
            ),
        );
    }
    next.run(req).await
}

/// The page's policy: everything from this server, nothing inline, no framing.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Headers on every response: no content sniffing, no framing, no referrer; the page gets its
/// content security policy.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let html = h
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    res
}

/// The application: routes, body limit, timeouts.
pub fn app(cfg: Config) -> Result<Router, String> {
    let (pool, writer) = match &cfg.db {
        Some(p) => {
            // the writer creates or migrates the database, so readers find it current
            let writer = if cfg.ingest_token.is_some() {
                let mut w = SqliteStore::open(p).map_err(|e| format!("{}: {e}", p.display()))?;
                w.set_aliases(cfg.aliases.clone());
                Some(Mutex::new(w))
            } else {
                SqliteStore::open_read_only(p).map_err(|e| e.to_string())?;
                None
            };
            let pool = Pool {
                path: p.clone(),
                aliases: cfg.aliases.clone(),
                idle: Mutex::new(Vec::new()),
                slots: tokio::sync::Semaphore::new(cfg.readers.max(1)),
            };
            (Some(pool), writer)
        }
        None => (None, None),
    };
    let limit = cfg.body_limit;
    let timeout = cfg.timeout;
    let workers = cfg.workers.max(1);
    let state = Arc::new(AppState {
        cfg,
        pool,
        writer,
        running: Arc::new(tokio::sync::Semaphore::new(workers)),
        waiting: tokio::sync::Semaphore::new(workers * 2),
    });
    Ok(Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE_CSS) }),
        )
        .route(
            "/openapi.json",
            get(|| async { asset("application/json", OPENAPI) }),
        )
        .route(
            "/favicon.svg",
            get(|| async { asset("image/svg+xml", FAVICON) }),
        )
        .route("/healthz", get(healthz))
        .route("/v1/extract", post(extract))
        .route("/v1/ingest", post(ingest))
        .route("/v1/quotes", get(quotes))
        .route("/v1/figures", get(figures))
        .route("/v1/speakers", get(speakers))
        .route("/v1/disagreements", get(disagreements))
        .route("/v1/merges", get(merges))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout + Duration::from_secs(5),
        ))
        .layer(axum::middleware::from_fn(move |req, next| {
            request_limits(req, next, limit)
        }))
        .layer(axum::middleware::map_response(json_errors))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state))
}

/// A line on stderr; a closed stderr must not stop the server.
fn log(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// A future that resolves on SIGTERM or Ctrl-C. The handlers are installed when this is
/// called, not when the future is first polled, so a signal that comes early is not lost.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (term, int) = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(term) => {},
                _ = wait(int) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        log("kutip serve: shutting down (finishing requests in flight)");
    }
}

/// Serve until SIGTERM or Ctrl-C; requests in flight are finished.
pub fn serve(cfg: Config) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let addr = cfg.addr.clone();
        let limits = net::Limits {
            header_timeout: cfg.header_timeout,
            max_connections: cfg.max_connections,
            drain: cfg.timeout + Duration::from_secs(5),
        };
        let app = app(cfg)?;
        let listener = tokio::net::TcpListener::bind(addr.as_str())
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        log(&format!(
            "kutip serve: listening on http://{}",
            listener.local_addr().map_err(|e| e.to_string())?
        ));
        net::serve(listener, app, limits, shutdown_signal()).await;
        Ok(())
    })
}
