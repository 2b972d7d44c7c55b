//! `kutip._kutip`: the native part of the Python package. The pure-Python `kutip` package
//! (python/kutip) wraps it: dictionaries from the ledger's JSON, Arrow batches from the
//! columns built here, Spark on top.
//!
//! Every ledger is the one `kutip extract` writes (same pipeline, same JSON), so the package
//! and the CLI give the same answers field by field.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};
use rayon::prelude::*;
use std::sync::{Arc, Mutex};

mod columns;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pyo3::create_exception!(_kutip, KutipError, pyo3::exceptions::PyException);

/// A tagger model (written by `kutip train`), loaded once for many calls.
#[pyclass(frozen, module = "kutip._kutip")]
struct Model {
    inner: Arc<kutip::tagger::Model>,
    path: String,
}

#[pymethods]
impl Model {
    /// Load a model file; KutipError with the CLI's message when it cannot be read.
    #[staticmethod]
    fn load(path: &str) -> PyResult<Model> {
        let bytes = std::fs::read(path)
            .map_err(|e| KutipError::new_err(format!("reading model {path}: {e}")))?;
        let m = kutip::tagger::Model::from_bytes(&bytes)
            .map_err(|e| KutipError::new_err(format!("loading model {path}: {e}")))?;
        Ok(Model {
            inner: Arc::new(m),
            path: path.to_string(),
        })
    }

    fn __repr__(&self) -> String {
        format!("kutip.Model({:?})", self.path)
    }
}

/// One document as Python gives it: a string, or a dict with `text` (or `html`) and
/// optional `id`, `title`, `date`, `url`, `outlet`, `author`, `path`.
#[derive(Default)]
struct Doc {
    id: String,
    text: String,
    html: bool,
    /// a page given as bytes (from a WARC record), read with `charset` when known
    page_bytes: Option<Vec<u8>>,
    charset: Option<String>,
    /// where a page was fetched from and when it was captured (a WARC record's target and
    /// date): the page's own url and date win, as in `kutip extract --input warc`
    fetched_url: Option<String>,
    captured: Option<String>,
    meta: kutip::Meta,
    /// a JSON line (`text` and optional `id`, `title`, `date`, `url`, `outlet`), read where the
    /// document is run, off the GIL
    json: Option<Vec<u8>>,
}

fn field(d: &Bound<'_, PyDict>, k: &str) -> PyResult<Option<String>> {
    match d.get_item(k)? {
        None => Ok(None),
        Some(v) if v.is_none() => Ok(None),
        Some(v) => v
            .extract::<String>()
            .map(Some)
            .map_err(|_| PyTypeError::new_err(format!("{k:?} must be a string"))),
    }
}

fn meta_of(d: &Bound<'_, PyDict>) -> PyResult<kutip::Meta> {
    Ok(kutip::Meta {
        title: field(d, "title")?,
        date: field(d, "date")?,
        url: field(d, "url")?,
        outlet: field(d, "outlet")?,
        path: field(d, "path")?,
        author: field(d, "author")?,
    })
}

impl Doc {
    fn from_py(item: &Bound<'_, PyAny>, default_id: String) -> PyResult<Doc> {
        if let Ok(text) = item.extract::<String>() {
            return Ok(Doc {
                id: default_id,
                text,
                ..Doc::default()
            });
        }
        if let Ok(line) = item.downcast::<pyo3::types::PyBytes>() {
            return Ok(Doc {
                id: default_id,
                json: Some(line.as_bytes().to_vec()),
                ..Doc::default()
            });
        }
        let d = item.downcast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(
                "a document is a str, a dict with \"text\" or \"html\", or bytes of one JSON line",
            )
        })?;
        let id = match d.get_item("id")? {
            Some(v) if !v.is_none() => v.str()?.to_string(),
            _ => default_id,
        };
        // a page as bytes (a WARC record's body): its charset is read from it
        let page_bytes = match d.get_item("html")? {
            Some(v) if v.downcast::<pyo3::types::PyBytes>().is_ok() => {
                Some(v.extract::<Vec<u8>>()?)
            }
            _ => None,
        };
        let text = if page_bytes.is_some() {
            None
        } else {
            field(d, "text")?
        };
        let html = if page_bytes.is_some() {
            None
        } else {
            field(d, "html")?
        };
        let (text, html) = match (text, html, &page_bytes) {
            (_, _, Some(_)) => (String::new(), true),
            (_, Some(h), None) => (h, true),
            (Some(t), None, None) => (t, false),
            (None, None, None) => {
                return Err(PyValueError::new_err(format!(
                    "document {id:?} has neither \"text\" nor \"html\""
                )))
            }
        };
        Ok(Doc {
            id,
            text,
            html,
            page_bytes,
            json: None,
            charset: field(d, "charset")?,
            fetched_url: field(d, "fetched_url")?,
            captured: field(d, "captured")?,
            meta: meta_of(d)?,
        })
    }

    /// The ledger, or the message the CLI gives for this document's failure.
    fn run(&self, model: Option<&kutip::tagger::Model>) -> Result<kutip::Ledger, String> {
        if let Some(line) = &self.json {
            let r = std::str::from_utf8(line)
                .map_err(|e| format!("document {:?}: not UTF-8: {e}", self.id))
                .and_then(|l| {
                    kutip::ledger::Record::from_json(l)
                        .map_err(|e| format!("document {:?}: malformed JSON: {e}", self.id))
                })?;
            let doc = Doc {
                id: r.id.unwrap_or_else(|| self.id.clone()),
                text: r.text,
                meta: r.meta,
                json: None,
                ..Doc::default()
            };
            return doc.run(model);
        }
        let opts = kutip::ledger::Options {
            model,
            ..Default::default()
        };
        let ledger = if self.html {
            let url = self.meta.url.as_deref().or(self.fetched_url.as_deref());
            let page = match &self.page_bytes {
                Some(b) => kutip_html::read(b, url, self.charset.as_deref()),
                None => kutip_html::read(self.text.as_bytes(), url, Some("utf-8")),
            };
            let mut meta = page.meta_under(self.meta.clone());
            meta.date = meta.date.or(self.captured.clone());
            meta.url = meta.url.or(self.fetched_url.clone());
            let source = page.source_blocks();
            let opts = kutip::ledger::Options {
                source: Some(&source),
                ..opts
            };
            kutip::ledger::run(&self.id, &page.text, meta, &opts)
        } else {
            kutip::ledger::run(&self.id, &self.text, self.meta.clone(), &opts)
        };
        ledger.map_err(|e| format!("document {:?}: {e}", self.id))
    }

    /// The ledger as the CLI writes it (one line of JSON).
    fn run_json(&self, model: Option<&kutip::tagger::Model>) -> Result<String, String> {
        let l = self.run(model)?;
        serde_json::to_string(&l).map_err(|e| format!("document {:?}: {e}", self.id))
    }
}

/// Thread pools by size, made once.
fn pool(threads: Option<usize>) -> PyResult<Arc<rayon::ThreadPool>> {
    static POOLS: Mutex<Vec<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());
    let n = threads
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut pools = POOLS
        .lock()
        .map_err(|_| KutipError::new_err("thread pool poisoned"))?;
    if let Some((_, p)) = pools.iter().find(|(k, _)| *k == n) {
        return Ok(p.clone());
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| KutipError::new_err(e.to_string()))?,
    );
    pools.push((n, p.clone()));
    Ok(p)
}

fn docs_of(items: &Bound<'_, PyAny>) -> PyResult<Vec<Doc>> {
    let mut docs = Vec::new();
    for (i, item) in items.try_iter()?.enumerate() {
        if let Some(d) = doc_of(&item?, i)? {
            docs.push(d);
        }
    }
    Ok(docs)
}

/// The document at index `i` of a caller's documents; a blank line of a JSON-lines file is
/// none.
fn doc_of(item: &Bound<'_, PyAny>, i: usize) -> PyResult<Option<Doc>> {
    if let Ok(b) = item.downcast::<pyo3::types::PyBytes>() {
        if b.as_bytes().iter().all(|c| c.is_ascii_whitespace()) {
            return Ok(None);
        }
    }
    Doc::from_py(item, i.to_string()).map(Some)
}

/// `f` over documents on a pool of `threads`, the GIL released, in input order.
fn run_all<T: Send>(
    py: Python<'_>,
    docs: &[Doc],
    threads: Option<usize>,
    model: Option<&Model>,
    f: impl Fn(&Doc, Option<&kutip::tagger::Model>) -> T + Sync,
) -> PyResult<Vec<T>> {
    let pool = pool(threads)?;
    let m = model.map(|m| m.inner.clone());
    Ok(py.allow_threads(|| pool.install(|| docs.par_iter().map(|d| f(d, m.as_deref())).collect())))
}

/// The ledger of one document as JSON text (the Python side parses it).
#[pyfunction]
#[pyo3(signature = (text, id=None, meta=None, model=None, html=false))]
fn extract_json(
    py: Python<'_>,
    text: String,
    id: Option<String>,
    meta: Option<&Bound<'_, PyDict>>,
    model: Option<&Model>,
    html: bool,
) -> PyResult<String> {
    let doc = Doc {
        id: id.unwrap_or_else(|| "document".into()),
        text,
        html,
        page_bytes: None,
        charset: None,
        fetched_url: None,
        captured: None,
        meta: meta.map(meta_of).transpose()?.unwrap_or_default(),
        json: None,
    };
    let m = model.map(|m| m.inner.clone());
    py.allow_threads(|| doc.run_json(m.as_deref()))
        .map_err(KutipError::new_err)
}

/// The ledgers of many documents, as JSON (UTF-8 bytes: no text object is built until a
/// ledger is read) in input order; a failed document raises KutipError after all have run,
/// naming every failure.
#[pyfunction]
#[pyo3(signature = (items, threads=None, model=None))]
fn extract_many_json<'py>(
    py: Python<'py>,
    items: &Bound<'py, PyAny>,
    threads: Option<usize>,
    model: Option<&Model>,
) -> PyResult<Vec<Bound<'py, pyo3::types::PyBytes>>> {
    // a chunk of documents at a time: only one chunk's inputs and JSON are held besides the
    // answers already handed over
    const CHUNK: usize = 512;
    let mut out = Vec::new();
    let mut failed = Vec::new();
    let mut items = items.try_iter()?.enumerate();
    loop {
        let mut docs = Vec::with_capacity(CHUNK);
        for (i, item) in items.by_ref() {
            if let Some(d) = doc_of(&item?, i)? {
                docs.push(d);
            }
            if docs.len() == CHUNK {
                break;
            }
        }
        if docs.is_empty() {
            break;
        }
        let results = run_all(py, &docs, threads, model, Doc::run_json)?;
        drop(docs);
        for r in results {
            match r {
                Ok(j) => out.push(pyo3::types::PyBytes::new(py, j.as_bytes())),
                Err(e) => failed.push(e),
            }
        }
    }
    if !failed.is_empty() {
        return Err(KutipError::new_err(failed.join("; ")));
    }
    Ok(out)
}

/// One table of flat columns as an Arrow struct array, handed to pyarrow through the Arrow
/// PyCapsule interface (`pyarrow.record_batch(table)`), once.
#[pyclass(unsendable, module = "kutip._kutip")]
struct ArrowTable {
    data: Option<(arrow::ffi::FFI_ArrowArray, arrow::ffi::FFI_ArrowSchema)>,
}

#[pymethods]
impl ArrowTable {
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &mut self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
        let _ = requested_schema; // the table has one schema
        let (array, schema) = self
            .data
            .take()
            .ok_or_else(|| KutipError::new_err("these Arrow columns were already taken"))?;
        let s = PyCapsule::new(py, schema, Some(c"arrow_schema".to_owned()))?;
        let a = PyCapsule::new(py, array, Some(c"arrow_array".to_owned()))?;
        Ok((s, a))
    }
}

/// The flat columns of many documents: {"quotes": ArrowTable, "figures": ..., "documents":
/// ...}. A failed document has its row in "documents" with `error` set and no statements or
/// figures.
#[pyfunction]
#[pyo3(signature = (items, threads=None, model=None))]
fn extract_columns<'py>(
    py: Python<'py>,
    items: &Bound<'py, PyAny>,
    threads: Option<usize>,
    model: Option<&Model>,
) -> PyResult<Bound<'py, PyDict>> {
    let docs = docs_of(items)?;
    let results = run_all(py, &docs, threads, model, Doc::run)?;
    let tables = py.allow_threads(|| columns::Tables::of(&docs, &results).finish());
    let out = PyDict::new(py);
    for (name, array, schema) in tables {
        out.set_item(
            name,
            ArrowTable {
                data: Some((array, schema)),
            },
        )?;
    }
    Ok(out)
}

/// The HTML pages of a web archive (`.warc`, `.warc.gz`), one record at a time: each a dict
/// `{"id", "html" (bytes), "charset", "fetched_url", "captured", "path"}` that
/// `extract_many` takes as it is; a damaged record is `{"error": ...}`
/// and reading goes on. Other records (requests, images, ...) are counted in `skipped`.
#[pyclass(unsendable, module = "kutip._kutip")]
struct WarcPages {
    pages: kutip_html::warc::Pages<Box<dyn std::io::BufRead>>,
    name: String,
}

#[pymethods]
impl WarcPages {
    #[new]
    fn new(path: &str) -> PyResult<WarcPages> {
        let f = std::fs::File::open(path)
            .map_err(|e| pyo3::exceptions::PyOSError::new_err(format!("{path}: {e}")))?;
        Ok(WarcPages {
            pages: kutip_html::warc::Pages::new(kutip_html::warc::open(f), path),
            name: path.to_string(),
        })
    }

    /// The records that held no HTML page, by kind.
    #[getter]
    fn skipped(&self) -> std::collections::BTreeMap<String, usize> {
        self.pages.skipped.clone()
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(page) = self.pages.next() else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        match page {
            Err(e) => d.set_item("error", format!("{}: {e}", self.name))?,
            Ok(p) => {
                d.set_item("id", p.id)?;
                d.set_item("charset", p.charset)?;
                d.set_item("html", pyo3::types::PyBytes::new(py, &p.body))?;
                d.set_item("fetched_url", p.target)?;
                d.set_item("captured", p.date)?;
                d.set_item("path", &self.name)?;
            }
        }
        Ok(Some(d))
    }
}

/// The column spec: [(table, column, type)], for typed Arrow schemas.
#[pyfunction]
fn column_spec() -> Vec<(&'static str, &'static str, &'static str)> {
    columns::spec()
        .iter()
        .map(|c| (c.table, c.name, c.kind.name()))
        .collect()
}

#[pymodule]
fn _kutip(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add_class::<ArrowTable>()?;
    m.add_class::<WarcPages>()?;
    m.add("KutipError", m.py().get_type::<KutipError>())?;
    m.add_function(wrap_pyfunction!(extract_json, m)?)?;
    m.add_function(wrap_pyfunction!(extract_many_json, m)?)?;
    m.add_function(wrap_pyfunction!(extract_columns, m)?)?;
    m.add_function(wrap_pyfunction!(column_spec, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
