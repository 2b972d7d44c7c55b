//! The ledger: the serialisable result of the pipeline for one document (schema `kutip/1`).

use crate::doc::{Analysis, Block};
use crate::entities::{Entities, Entity};
use crate::statements::Quote;
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "kutip/1";

/// Input metadata, kept in the output as given.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub outlet: Option<String>,
    /// The file the document was read from, as the user named it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    /// The author, when a web page names one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub author: Option<String>,
}

/// One document of a JSON-lines input: `text` and optional `id`, `title`, `date`, `url`,
/// `outlet` (the CLI's `--input jsonl`, and a JSON line given to the Python package).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The `id` as text (a number is written as JSON writes it), when the record has one.
    pub id: Option<String>,
    pub text: String,
    pub meta: Meta,
}

#[derive(Deserialize)]
struct JsonRecord {
    text: String,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
}

impl Record {
    /// Read one JSON line (a byte-order mark before it is not part of it).
    pub fn from_json(line: &str) -> Result<Record, serde_json::Error> {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let d: JsonRecord = serde_json::from_str(line)?;
        Ok(Record {
            id: d.id.map(|v| match v {
                serde_json::Value::String(s) => s,
                v => v.to_string(),
            }),
            text: d.text,
            meta: Meta {
                title: d.title,
                date: d.date,
                url: d.url,
                outlet: d.outlet,
                path: None,
                author: None,
            },
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    pub id: String,
    pub schema: &'static str,
    pub meta: Meta,
    /// The text analysed, when it is not the input as given (the main text of a web page):
    /// every offset of the ledger points into it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    pub blocks: Vec<Block>,
    pub quotes: Vec<Quote>,
    pub figures: Vec<crate::figures::Figure>,
    pub entities: Vec<Entity>,
    /// Spans labelled by a trained tagger (only with `--model`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<crate::tagger::TagSpan>,
}

/// Everything the stages found, with token-level detail (for PFSA-ID and the tagger).
pub struct Full {
    pub analysis: Analysis,
    pub entities: Entities,
    pub quotes: Vec<Quote>,
    /// For each sentence, the source its figures are claimed by, when a figure-source
    /// pattern names one (`lang/id/figure_sources.tsv`).
    pub sources: Vec<Option<crate::statements::Attribution>>,
}

/// How to run the pipeline: an optional trained tagger, and an optional question asked
/// between stages ("should the work stop?": a server whose client went away or whose deadline
/// passed says yes).
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    pub model: Option<&'a crate::tagger::Model>,
    pub stop: Option<&'a (dyn Fn() -> bool + Sync)>,
    /// Where to add the time each stage takes (`kutip bench --stages`).
    pub timings: Option<&'a Timings>,
    /// The blocks a source format gave the text (the elements of a web page): their kinds
    /// and ranges in the page are kept ([`crate::blocks::blocks_with`]).
    pub source: Option<&'a [crate::doc::SourceBlock]>,
}

/// The stages of the pipeline, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// blocks, tokens, sentences, and every token's lower-case form and word classes
    Segment,
    /// quotation marks paired
    Quotations,
    Entities,
    Statements,
    Figures,
    /// the trained tagger and what it completes (only with a model)
    Tagger,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Segment,
        Stage::Quotations,
        Stage::Entities,
        Stage::Statements,
        Stage::Figures,
        Stage::Tagger,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Segment => "segment",
            Stage::Quotations => "quotations",
            Stage::Entities => "entities",
            Stage::Statements => "statements",
            Stage::Figures => "figures",
            Stage::Tagger => "tagger",
        }
    }
}

/// Time spent in each stage, added up over documents (from any number of threads).
#[derive(Debug, Default)]
pub struct Timings {
    nanos: [std::sync::atomic::AtomicU64; 6],
}

impl Timings {
    fn add(&self, s: Stage, d: std::time::Duration) {
        let n = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.nanos[s as usize].fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// Seconds spent in each stage.
    pub fn seconds(&self) -> Vec<(Stage, f64)> {
        Stage::ALL
            .iter()
            .map(|&s| {
                let n = self.nanos[s as usize].load(std::sync::atomic::Ordering::Relaxed);
                (s, n as f64 / 1e9)
            })
            .collect()
    }
}

/// Between two stages: the time of the one that ended goes to the timings, then the stop
/// question is asked.
struct Steps<'a, C> {
    check: C,
    timings: Option<&'a Timings>,
    since: Option<std::time::Instant>,
}

impl<'a, E, C: Fn() -> Result<(), E>> Steps<'a, C> {
    fn new(check: C, timings: Option<&'a Timings>) -> Self {
        let since = timings.map(|_| std::time::Instant::now());
        Steps {
            check,
            timings,
            since,
        }
    }

    fn done(&mut self, s: Stage) -> Result<(), E> {
        if let (Some(t), Some(since)) = (self.timings, self.since) {
            let now = std::time::Instant::now();
            t.add(s, now - since);
            self.since = Some(now);
        }
        (self.check)()
    }
}

/// Why [`run`] gave no ledger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// `Options::stop` said so between two stages.
    #[error("stopped before the end")]
    Stopped,
    /// A stage panicked: a bug in kutip, caught so that one document never stops a run.
    #[error("internal error (a bug in kutip; please report it with this document): {0}")]
    Panic(String),
}

impl Options<'_> {
    fn check(&self) -> Result<(), Failure> {
        match self.stop {
            Some(f) if f() => Err(Failure::Stopped),
            _ => Ok(()),
        }
    }
}

/// Never stops: the check of a run without a stop question.
fn go_on() -> Result<(), std::convert::Infallible> {
    Ok(())
}

/// The stages up to statements, with `steps` between them.
fn analyze_checked<E, C: Fn() -> Result<(), E>>(
    text: &str,
    source: Option<&[crate::doc::SourceBlock]>,
    steps: &mut Steps<C>,
) -> Result<Full, E> {
    let analysis = match source {
        Some(s) => crate::segment::analyze_with(text, s),
        None => crate::segment::analyze(text),
    };
    steps.done(Stage::Segment)?;
    let (quotations, inside) = crate::statements::quotations(&analysis);
    steps.done(Stage::Quotations)?;
    let mut entities = crate::entities::find(text, &analysis, &inside);
    steps.done(Stage::Entities)?;
    let found = crate::statements::find(text, &analysis, &mut entities, &quotations, &inside);
    steps.done(Stage::Statements)?;
    Ok(Full {
        analysis,
        entities,
        quotes: found.quotes,
        sources: found.sources,
    })
}

/// Run blocks, segmentation, entities and statements.
pub fn analyze_full(text: &str) -> Full {
    match analyze_checked(text, None, &mut Steps::new(go_on, None)) {
        Ok(f) => f,
        Err(never) => match never {},
    }
}

/// Run the whole pipeline over one document.
pub fn extract(id: &str, text: &str, meta: Meta) -> Ledger {
    extract_with(id, text, meta, None)
}

/// Run the whole pipeline; with a trained tagger, its spans are added to the ledger
/// (`tags`) and complete the speakers' roles and affiliations ([`crate::tagger::refine`]).
/// A panic inside a stage propagates; front ends that must survive it use [`run`].
pub fn extract_with(
    id: &str,
    text: &str,
    meta: Meta,
    model: Option<&crate::tagger::Model>,
) -> Ledger {
    match stages(id, text, meta, model, None, Steps::new(go_on, None)) {
        Ok(l) => l,
        Err(never) => match never {},
    }
}

/// Run the whole pipeline with `opts`; a panic in a stage is caught and returned as
/// [`Failure::Panic`] with its message, so one bad document never stops a corpus.
pub fn run(id: &str, text: &str, meta: Meta, opts: &Options) -> Result<Ledger, Failure> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        stages(
            id,
            text,
            meta,
            opts.model,
            opts.source,
            Steps::new(|| opts.check(), opts.timings),
        )
    })) {
        Ok(r) => r,
        Err(payload) => Err(Failure::Panic(panic_message(payload.as_ref()))),
    }
}

/// The message of a panic payload (`panic!("...")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

fn stages<E, C: Fn() -> Result<(), E>>(
    id: &str,
    text: &str,
    meta: Meta,
    model: Option<&crate::tagger::Model>,
    source: Option<&[crate::doc::SourceBlock]>,
    mut steps: Steps<C>,
) -> Result<Ledger, E> {
    let mut full = analyze_checked(text, source, &mut steps)?;
    let figures = crate::figures::find(text, &full, meta.date.as_deref());
    steps.done(Stage::Figures)?;
    let mut tags = Vec::new();
    if let Some(m) = model {
        tags = crate::tagger::tag_document(m, text, &full);
        crate::tagger::refine(text, &tags, &mut full.quotes, &mut full.entities.entities);
        steps.done(Stage::Tagger)?;
    }
    Ok(Ledger {
        id: id.to_string(),
        schema: SCHEMA,
        meta,
        // a text with a source structure is a page's main text: the ledger carries it
        text: source.map(|_| text.to_string()),
        blocks: full.analysis.blocks,
        quotes: full.quotes,
        figures,
        entities: full.entities.entities,
        tags,
    })
}
