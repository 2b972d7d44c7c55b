//! The corpus ledger: documents, statements, figures, entities and speakers across documents,
//! behind the [`Store`] trait. [`SqliteStore`] is the default implementation: one embedded
//! SQLite file (bundled library, WAL, FTS5 over statement text), nothing to install.
//!
//! Ingest is idempotent: a document with the same id and content hash is skipped, a changed
//! one replaces its old rows. Each batch is one transaction, so a crash loses at most the
//! batch in flight and a rerun continues from the last committed document with the same
//! results as a clean run.

mod disagree;
pub mod export;
pub mod filters;
pub mod schema;
pub mod speakers;

pub use filters::Page;

use kutip::Ledger;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};
use speakers::Resolver;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An SQLite error, its message once.
    #[error("{0}")]
    Sql(String),
    /// Another connection held the write lock for longer than the writer waits.
    #[error("another process is writing to this ledger (a `kutip ingest`, or a server started with --ingest-token) and did not finish within {} s; try again when it is done", WRITE_WAIT.as_secs())]
    Busy,
    /// The file is not a database, or its pages are damaged.
    #[error("the database is damaged: {0} (`kutip check --db FILE` lists the problems; restore a copy or ingest again into a new file)")]
    Corrupt(String),
    /// The batch was given up before its commit (see [`SqliteStore::ingest_with`]).
    #[error("the batch was given up before it was committed")]
    Cancelled,
    #[error("{0}")]
    Invalid(String),
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode as C;
        match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => Error::Busy,
            Some(C::DatabaseCorrupt | C::NotADatabase) => Error::Corrupt(e.to_string()),
            _ => Error::Sql(e.to_string()),
        }
    }
}

/// How long a writer waits for another writer's transaction (one batch) to end.
pub const WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// FTS5's own default: merge when 4 segments of one level exist. A bulk load sets 0 (no
/// merging while the index grows) and restores this after one `optimize` at the end.
const FTS_AUTOMERGE: i64 = 4;

/// A document to ingest: its content hash, its size and the ledger extracted from it.
pub struct DocIn {
    pub hash: String,
    pub bytes: usize,
    pub ledger: Ledger,
}

/// Content hash of a document (text and metadata).
pub fn doc_hash(text: &str, meta: &kutip::Meta) -> String {
    let mut h = Sha256::new();
    h.update(text.as_bytes());
    h.update([0u8]);
    h.update(serde_json::to_vec(meta).unwrap_or_default());
    let d = h.finalize();
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct IngestStats {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub quotes: usize,
    pub figures: usize,
    pub merges: usize,
}

impl std::ops::AddAssign for IngestStats {
    fn add_assign(&mut self, o: Self) {
        self.new += o.new;
        self.changed += o.changed;
        self.unchanged += o.unchanged;
        self.quotes += o.quotes;
        self.figures += o.figures;
        self.merges += o.merges;
    }
}

#[derive(Debug, Default, Clone)]
pub struct QuoteQuery {
    pub speaker: Option<String>,
    pub text: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub outlet: Option<String>,
    pub kind: Option<String>,
    pub limit: usize,
    /// Rows to skip (for the next pages).
    pub offset: usize,
}

/// A statement with its document: where to read it.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteRow {
    pub date: Option<String>,
    pub outlet: Option<String>,
    pub doc_id: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub speaker: Option<String>,
    pub speaker_id: Option<i64>,
    pub role: Option<String>,
    pub kind: String,
    pub cue: Option<String>,
    pub text: String,
    pub start: i64,
    pub end: i64,
}

#[derive(Debug, Default, Clone)]
pub struct FigureQuery {
    pub category: Option<String>,
    pub what: Option<String>,
    pub source: Option<String>,
    pub place: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: usize,
    /// Rows to skip (for the next pages).
    pub offset: usize,
}

/// A figure with its document. `date` is the time the figure is about: its own time
/// expression when it names one ("pada 2022", "pekan lalu"), else the article's date;
/// `date_from` says which (`when` or `article`).
#[derive(Debug, Clone, Serialize)]
pub struct FigureRow {
    pub date: Option<String>,
    pub date_from: Option<String>,
    /// what `date` stands for: a `day`, or the first day of a `month` or `year`
    pub period: Option<String>,
    pub doc_id: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub doc_date: Option<String>,
    pub text: String,
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub unit: Option<String>,
    pub qualifier: String,
    pub category: String,
    pub what: Option<String>,
    pub source: Option<String>,
    pub when: Option<String>,
    pub place: Option<String>,
    pub start: i64,
    pub end: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpeakerRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub quotes: i64,
    pub documents: i64,
    pub roles: Vec<String>,
    /// The most frequent content words of the speaker's statements.
    pub topics: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DisagreementQuery {
    pub category: Option<String>,
    pub window_days: i64,
    /// Relative difference, e.g. 0.1 = the larger value is more than 10 % above the smaller.
    pub threshold: f64,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Disagreement {
    pub category: String,
    pub place: String,
    /// the head of what both count ("warga", "rumah"), or the category for counts of people
    pub what: String,
    pub a: FigureRow,
    pub b: FigureRow,
    /// the gap between the two claims (their intervals after the qualifiers), relative to the
    /// larger value
    pub difference: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MergeRow {
    /// The identity's canonical name now.
    pub speaker: String,
    /// The name form that was merged ...
    pub name: String,
    /// ... into the identity then called this.
    pub into: String,
    pub reason: String,
    pub doc_id: String,
}

/// What a ledger store does. SQLite implements it; another database (PostgreSQL) can
/// implement it behind the same front ends.
pub trait Store {
    /// Is this document stored with this content hash already?
    fn has(&self, id: &str, hash: &str) -> Result<bool>;
    /// Store a batch of documents in one transaction.
    fn ingest(&mut self, docs: &[DocIn]) -> Result<IngestStats>;
    /// Statements, newest first; an invalid filter is [`Error::Invalid`].
    fn quotes(&self, q: &QuoteQuery) -> Result<Page<QuoteRow>>;
    /// Figures as a timeline, oldest first.
    fn figures(&self, q: &FigureQuery) -> Result<Page<FigureRow>>;
    fn speakers(&self, limit: usize, offset: usize) -> Result<Page<SpeakerRow>>;
    fn disagreements(&self, q: &DisagreementQuery) -> Result<Vec<Disagreement>>;
    fn merges(&self, limit: usize, offset: usize) -> Result<Page<MergeRow>>;
    /// Documents, statements, figures, speakers.
    fn counts(&self) -> Result<[i64; 4]>;
}

pub struct SqliteStore {
    conn: Connection,
    /// Speaker identities in memory, as of `data_version`.
    resolver: Resolver,
    /// `PRAGMA data_version` when `resolver` was read: another connection's commit changes it.
    data_version: Option<i64>,
}

/// Check the pages of a database (`quick_check` or `integrity_check`).
fn check_pages(conn: &Connection, pragma: &str) -> Result<()> {
    let first: String = conn.query_row(&format!("PRAGMA {pragma}(1)"), [], |r| r.get(0))?;
    if first == "ok" {
        Ok(())
    } else {
        Err(Error::Corrupt(first))
    }
}

/// Put the database in WAL mode. Changing the mode does not wait for another connection's
/// lock (two processes creating one file race here), so it is retried until the mode is WAL.
fn use_wal(conn: &Connection) -> Result<()> {
    let t0 = std::time::Instant::now();
    loop {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        // an in-memory database (":memory:", for tests) keeps its journal in memory
        if mode.eq_ignore_ascii_case("wal") || mode.eq_ignore_ascii_case("memory") {
            return Ok(());
        }
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(m) if m.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(m) => {
                return Err(Error::Invalid(format!(
                    "the database cannot use a write-ahead log (journal mode {m})"
                )))
            }
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && t0.elapsed() < WRITE_WAIT =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

/// Every speaker identity with its name forms and roles.
fn load_speakers(conn: &Connection) -> Result<Resolver> {
    let mut r = Resolver::default();
    let mut st = conn.prepare("SELECT id, name, kind FROM speakers ORDER BY id")?;
    for row in st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (id, name, kind) = row?;
        r.load_identity(id, name, kind);
    }
    let mut st = conn.prepare("SELECT name, speaker_id FROM speaker_names ORDER BY rowid")?;
    for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (n, id) = row?;
        r.load_form(&n, id);
    }
    let mut st = conn.prepare("SELECT speaker_id, role FROM speaker_roles")?;
    for row in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, role) = row?;
        r.load_role(id, &role);
    }
    let mut st = conn.prepare("SELECT speaker_id, org FROM speaker_context")?;
    for row in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, org) = row?;
        r.load_context(id, &org);
    }
    let mut st = conn.prepare("SELECT form, speaker_id, docs FROM short_forms")?;
    for row in st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })? {
        let (f, id, n) = row?;
        r.load_short(&f, id, u32::try_from(n).unwrap_or(u32::MAX));
    }
    Ok(r)
}

/// The one-word names a document uses for a person entity of several words ("Prabowo" for
/// "Prabowo Subianto"): the evidence for one-word names across documents.
fn short_forms(e: &kutip::entities::Entity) -> Vec<String> {
    if e.name.split_whitespace().count() < 2 {
        return Vec::new();
    }
    let mut out: Vec<String> = e
        .mentions
        .iter()
        .map(|m| m.text.trim())
        .filter(|t| {
            !t.contains(char::is_whitespace)
                && t.chars().count() >= 3
                && t.starts_with(char::is_uppercase)
                && t.chars()
                    .all(|c| c.is_alphabetic() || matches!(c, '\'' | '-'))
        })
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The organisations a document names, with their short forms ("PDIP" for "Partai Demokrasi
/// Indonesia Perjuangan (PDIP)"): the context of the one-word names in it.
fn organisations(l: &Ledger) -> Vec<String> {
    let mut out: Vec<String> = l
        .entities
        .iter()
        .filter(|e| e.kind == kutip::entities::EntityKind::Organization)
        .flat_map(|e| speakers::org_forms(&e.name))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Move the rows of identity `m.from` to `m.into` and record why; the old id forwards to the
/// new one (`speaker_moves`), so links to it keep working.
fn move_identity(tx: &Transaction, m: &speakers::IdentityMerge, doc: &str) -> Result<()> {
    let (from, into) = (m.from, m.into);
    let from_name: Option<String> = tx
        .query_row("SELECT name FROM speakers WHERE id = ?1", [from], |r| {
            r.get(0)
        })
        .optional()?;
    let into_name: Option<String> = tx
        .query_row("SELECT name FROM speakers WHERE id = ?1", [into], |r| {
            r.get(0)
        })
        .optional()?;
    tx.execute(
        "UPDATE entities SET speaker_id = ?2 WHERE speaker_id = ?1",
        [from, into],
    )?;
    tx.execute(
        "UPDATE quotes SET speaker_id = ?2, who = 's' || ?2 WHERE speaker_id = ?1",
        [from, into],
    )?;
    tx.execute(
        "UPDATE figures SET source_speaker_id = ?2 WHERE source_speaker_id = ?1",
        [from, into],
    )?;
    tx.execute(
        "UPDATE OR IGNORE speaker_names SET speaker_id = ?2 WHERE speaker_id = ?1",
        [from, into],
    )?;
    tx.execute(
        "INSERT OR IGNORE INTO speaker_roles (speaker_id, role)
         SELECT ?2, role FROM speaker_roles WHERE speaker_id = ?1",
        [from, into],
    )?;
    tx.execute("DELETE FROM speaker_roles WHERE speaker_id = ?1", [from])?;
    tx.execute(
        "INSERT INTO short_forms (form, speaker_id, docs)
         SELECT form, ?2, docs FROM short_forms WHERE speaker_id = ?1
         ON CONFLICT (form, speaker_id) DO UPDATE SET docs = docs + excluded.docs",
        [from, into],
    )?;
    tx.execute("DELETE FROM short_forms WHERE speaker_id = ?1", [from])?;
    tx.execute(
        "INSERT OR IGNORE INTO speaker_context (speaker_id, org)
         SELECT ?2, org FROM speaker_context WHERE speaker_id = ?1",
        [from, into],
    )?;
    tx.execute("DELETE FROM speaker_context WHERE speaker_id = ?1", [from])?;
    tx.execute(
        "UPDATE merges SET speaker_id = ?2 WHERE speaker_id = ?1",
        [from, into],
    )?;
    tx.execute(
        "INSERT INTO merges (speaker_id, name, into_name, reason, doc_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            into,
            from_name.unwrap_or_else(|| m.form.clone()),
            into_name.unwrap_or_default(),
            m.reason,
            doc
        ],
    )?;
    tx.execute(
        "UPDATE speaker_moves SET new_id = ?2 WHERE new_id = ?1",
        [from, into],
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO speaker_moves (old_id, new_id) VALUES (?1, ?2)",
        [from, into],
    )?;
    tx.execute("DELETE FROM speakers WHERE id = ?1", [from])?;
    Ok(())
}

/// `s` with the wildcards of LIKE escaped (the pattern uses `ESCAPE '\'`).
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn enum_name<T: Serialize>(t: &T) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `YYYY-MM-DD` when the text starts with one.
fn iso_date(s: Option<&str>) -> Option<String> {
    let s = s?.trim();
    let b = s.as_bytes();
    let ok = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit);
    ok.then(|| s[..10].to_string())
}

/// The first day of a figure's own date ("2022" → 2022-01-01, "2022-10" → 2022-10-01,
/// "2022-10-05"), with the period it names (`year`, `month`, `day`).
fn period_start(s: Option<&str>) -> Option<(String, &'static str)> {
    let s = s?.trim();
    let digits = |r: std::ops::Range<usize>| {
        s.get(r)
            .is_some_and(|x| x.bytes().all(|b| b.is_ascii_digit()))
    };
    match s.len() {
        4 if digits(0..4) => Some((format!("{s}-01-01"), "year")),
        7 if digits(0..4) && digits(5..7) && &s[4..5] == "-" => Some((format!("{s}-01"), "month")),
        _ => iso_date(Some(s)).map(|d| (d, "day")),
    }
}

/// An FTS5 query from the user's words: each word quoted, all required; `OR` kept. Words
/// without a letter or digit are dropped (the tokenizer would drop them too).
fn fts_query(text: &str) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| *w == "OR" || w.chars().any(char::is_alphanumeric))
        .collect();
    // an OR with nothing on one side is dropped
    let mut out: Vec<&str> = Vec::new();
    for (k, w) in words.iter().enumerate() {
        if *w == "OR"
            && (out.is_empty()
                || out.last() == Some(&"OR")
                || k + 1 == words.len()
                || words[k + 1] == "OR")
        {
            continue;
        }
        out.push(w);
    }
    out.into_iter()
        .map(|w| {
            if w == "OR" {
                "OR".to_string()
            } else {
                format!("\"{}\"", w.replace('"', ""))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Page cache and log settings of the writer, so that a bulk load does not write the same
/// pages again and again: the pages that every batch touches (the upper levels of the
/// indexes, the full-text index) stay in a cache large enough to hold them
/// (`WRITER_CACHE_KIB`), and the log is copied into the database less often
/// (`CHECKPOINT_PAGES`), each page once per copy however often it changed. (Memory-mapping
/// the file saved nothing measurable and counted its pages in the process's memory.)
fn tune_for_writing(conn: &Connection) -> Result<()> {
    const WRITER_CACHE_KIB: i64 = 128 * 1024;
    const CHECKPOINT_PAGES: i64 = 16 * 1024;
    conn.pragma_update(None, "cache_size", -WRITER_CACHE_KIB)?;
    conn.pragma_update(None, "wal_autocheckpoint", CHECKPOINT_PAGES)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

impl SqliteStore {
    /// Open (or create) a ledger database for writing: its pages are checked (`PRAGMA
    /// quick_check`) and its schema brought up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(WRITE_WAIT)?;
        check_pages(&conn, "quick_check")?;
        use_wal(&conn)?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        tune_for_writing(&conn)?;
        let mut s = SqliteStore {
            conn,
            resolver: Resolver::default(),
            data_version: None,
        };
        s.migrate()?;
        // a bulk load that did not finish (a crash) left its indexes to build: build them
        s.ensure_indexes()?;
        s.reload_speakers()?;
        Ok(s)
    }

    /// Start a bulk load: when the ledger holds no document yet, drop the indexes of
    /// [`schema::DEFERRED_INDEXES`] (they are built once by [`SqliteStore::finish_bulk`], or
    /// by the next open after a crash). Returns whether it did. Documents already in the
    /// ledger need the indexes (a changed document replaces its rows), so then nothing is
    /// dropped.
    pub fn begin_bulk(&mut self) -> Result<bool> {
        let any: bool =
            self.conn
                .query_row("SELECT EXISTS (SELECT 1 FROM documents)", [], |r| r.get(0))?;
        if any {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        for (name, _) in schema::DEFERRED_INDEXES {
            tx.execute(&format!("DROP INDEX IF EXISTS {name}"), [])?;
        }
        // the full-text index is not merged while it grows, but once at the end
        tx.execute(
            "INSERT INTO quotes_fts(quotes_fts, rank) VALUES ('automerge', 0)",
            [],
        )?;
        tx.commit()?;
        // rows of documents this writer has just written are not checked against them (a
        // connection setting: the next open checks again)
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        Ok(true)
    }

    /// End a bulk load: build the deferred indexes (nothing when they exist) and merge the
    /// full-text index.
    pub fn finish_bulk(&mut self) -> Result<()> {
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.ensure_indexes()
    }

    /// What a bulk load defers, done (nothing when it is): the deferred indexes, and the
    /// full-text index merged into one segment with its automatic merging restored.
    fn ensure_indexes(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (name, on) in schema::DEFERRED_INDEXES {
            tx.execute(&format!("CREATE INDEX IF NOT EXISTS {name} ON {on}"), [])?;
        }
        let automerge: Option<i64> = tx
            .query_row(
                "SELECT v FROM quotes_fts_config WHERE k = 'automerge'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if automerge == Some(0) {
            tx.execute("INSERT INTO quotes_fts(quotes_fts) VALUES ('optimize')", [])?;
            tx.execute(
                &format!(
                    "INSERT INTO quotes_fts(quotes_fts, rank) VALUES ('automerge', {FTS_AUTOMERGE})"
                ),
                [],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Open an existing database for queries only.
    pub fn open_read_only(path: &Path) -> Result<SqliteStore> {
        if !path.exists() {
            return Err(Error::Invalid(format!(
                "{}: no such ledger database (create it with kutip ingest)",
                path.display()
            )));
        }
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if v as usize != schema::MIGRATIONS.len() {
            return Err(Error::Invalid(format!(
                "{}: schema version {v}, this kutip needs {} (run kutip ingest to migrate)",
                path.display(),
                schema::MIGRATIONS.len()
            )));
        }
        let mut s = SqliteStore {
            conn,
            resolver: Resolver::default(),
            data_version: None,
        };
        s.reload_speakers()?;
        Ok(s)
    }

    /// A full check of the database (`PRAGMA integrity_check`): the problems found, none when
    /// it is sound.
    pub fn check(path: &Path) -> Result<Vec<String>> {
        if !path.exists() {
            return Err(Error::Invalid(format!(
                "{}: no such ledger database",
                path.display()
            )));
        }
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let rows = (|| -> rusqlite::Result<Vec<String>> {
            let mut st = conn.prepare("PRAGMA integrity_check")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect()
        })();
        match rows {
            Ok(rows) => Ok(rows.into_iter().filter(|r| r != "ok").collect()),
            // so damaged that the check itself stops: that is its finding
            Err(e) => match Error::from(e) {
                Error::Corrupt(m) => Ok(vec![m]),
                other => Err(other),
            },
        }
    }

    /// Move the write-ahead log into the database file and truncate it (end of an ingest),
    /// so readers do not search a long log.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    pub fn set_aliases(&mut self, aliases: std::collections::HashMap<String, String>) {
        self.resolver.set_aliases(aliases);
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Apply the migrations not yet applied, each in a write transaction that re-reads the
    /// version under the lock, so two processes opening a new file do not both create it.
    fn migrate(&mut self) -> Result<()> {
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let v: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            let v = v as usize;
            if v > schema::MIGRATIONS.len() {
                return Err(Error::Invalid(format!(
                    "database schema version {v} is newer than this kutip ({})",
                    schema::MIGRATIONS.len()
                )));
            }
            let Some(m) = schema::MIGRATIONS.get(v) else {
                return Ok(());
            };
            tx.execute_batch(m)?;
            tx.pragma_update(None, "user_version", (v + 1) as i64)?;
            tx.commit()?;
        }
    }

    /// Read the speaker identities again (at open, after another connection wrote, after a
    /// failed batch), keeping the alias file.
    fn reload_speakers(&mut self) -> Result<()> {
        let mut r = load_speakers(&self.conn)?;
        r.set_aliases(self.resolver.take_aliases());
        self.resolver = r;
        self.data_version = Some(data_version(&self.conn)?);
        Ok(())
    }

    /// The largest statement id (0 when there is none).
    fn last_quote_id(tx: &Transaction) -> Result<i64> {
        Ok(tx.query_row("SELECT coalesce(max(id), 0) FROM quotes", [], |r| r.get(0))?)
    }

    /// Write the full-text rows of the statements inserted after `indexed_to` (their ids are
    /// larger: new rows take the largest id plus one), in one statement; `indexed_to` then
    /// holds the largest id. Called before anything updates or deletes statements (their
    /// triggers expect every row indexed) and before a batch commits.
    fn index_quotes(tx: &Transaction, indexed_to: &mut i64) -> Result<()> {
        let max = Self::last_quote_id(tx)?;
        if max > *indexed_to {
            tx.execute(
                "INSERT INTO quotes_fts(rowid, text, who) SELECT id, text, who FROM quotes WHERE id > ?1",
                [*indexed_to],
            )?;
            *indexed_to = max;
        }
        Ok(())
    }

    fn delete_doc(tx: &Transaction, id: &str) -> Result<()> {
        for t in ["quotes", "figures", "entities"] {
            tx.execute(&format!("DELETE FROM {t} WHERE doc_id = ?1"), [id])?;
        }
        tx.execute("DELETE FROM documents WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Identities a user's name refers to: the one it resolves to (a name form seen, the
    /// alias file, the identity the documents use a one-word name for), else every identity
    /// with a name form holding its words ("Yudhi Sadewa" finds "Purbaya Yudhi Sadewa"). A
    /// name that resolves gives that identity only: "Prabowo" is not the police chief
    /// "Listyo Sigit Prabowo".
    fn speaker_ids(&self, name: &str) -> Result<Vec<i64>> {
        if let Some(id) = self.resolver.lookup(name) {
            return Ok(vec![id]);
        }
        let k = speakers::key(name);
        if k.is_empty() {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT DISTINCT speaker_id FROM speaker_names
             WHERE name = ?1 OR name LIKE ?2 ESCAPE '\\' OR name LIKE ?3 ESCAPE '\\'
                OR name LIKE ?4 ESCAPE '\\' LIMIT 200",
        )?;
        let esc = k
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let mut ids = st
            .query_map(
                rusqlite::params![
                    k,
                    format!("{esc} %"),
                    format!("% {esc}"),
                    format!("% {esc} %")
                ],
                |r| r.get(0),
            )?
            .collect::<std::result::Result<Vec<i64>, _>>()?;
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// The speaker identity of the entity named `name` in document `doc` (the name as the
    /// ledger gives it; without it, a name that ignores case or that holds `name`), for
    /// measuring identities against pairs annotated by hand.
    pub fn entity_identity(&self, doc: &str, name: &str) -> Result<Option<(String, i64)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT name, speaker_id FROM entities WHERE doc_id = ?1 AND speaker_id IS NOT NULL",
        )?;
        let rows = st
            .query_map([doc], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let k = speakers::key(name);
        let found = rows
            .iter()
            .find(|r| r.0 == name)
            .or_else(|| rows.iter().find(|r| speakers::key(&r.0) == k))
            .or_else(|| rows.iter().find(|r| speakers::key(&r.0).contains(&k)))
            .cloned();
        Ok(found)
    }

    pub(crate) fn figure_row(r: &rusqlite::Row) -> rusqlite::Result<FigureRow> {
        Ok(FigureRow {
            date: r.get(0)?,
            doc_id: r.get(1)?,
            text: r.get(2)?,
            value: r.get(3)?,
            qualifier: r.get(4)?,
            category: r.get(5)?,
            what: r.get(6)?,
            source: r.get(7)?,
            place: r.get(8)?,
            start: r.get(9)?,
            end: r.get(10)?,
            low: r.get(11)?,
            high: r.get(12)?,
            unit: r.get(13)?,
            when: r.get(14)?,
            date_from: r.get(15)?,
            title: r.get(16)?,
            outlet: r.get(17)?,
            url: r.get(18)?,
            doc_date: r.get(19)?,
            period: r.get(20)?,
        })
    }
}

/// The columns of [`FigureRow`], in order (`f` figures, `s` speakers, `d` documents).
pub(crate) const FIGURE_COLS: &str =
    "f.date, f.doc_id, f.text, f.value, f.qualifier, f.category, f.what, \
     coalesce(s.name, f.source), f.place, f.start, f.\"end\", f.low, f.high, f.unit, f.when_text, \
     f.date_from, \
     d.title, d.outlet, d.url, d.date, f.period";

/// The tables of [`FIGURE_COLS`].
pub(crate) const FIGURE_FROM: &str =
    "figures f LEFT JOIN speakers s ON s.id = f.source_speaker_id \
     JOIN documents d ON d.id = f.doc_id";

impl SqliteStore {
    /// Store a batch in one transaction, asking `before_commit` at the end: when it answers
    /// false (the client gave up, the deadline passed) nothing is committed and the result is
    /// [`Error::Cancelled`]. After any failure the speakers in memory are read again, so that
    /// nothing of the rolled-back batch lingers.
    pub fn ingest_with(
        &mut self,
        docs: &[DocIn],
        before_commit: &mut dyn FnMut() -> bool,
    ) -> Result<IngestStats> {
        let r = self.write_batch(docs, before_commit);
        if r.is_err() {
            self.reload_speakers()?;
        }
        r
    }

    /// One batch in one write transaction. The write lock is taken first (`BEGIN IMMEDIATE`:
    /// a second writer waits its turn instead of failing at once), then the speakers in
    /// memory are read again if another connection has written since they were read.
    fn write_batch(
        &mut self,
        docs: &[DocIn],
        before_commit: &mut dyn FnMut() -> bool,
    ) -> Result<IngestStats> {
        let mut stats = IngestStats::default();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let dv = data_version(&tx)?;
        if Some(dv) != self.data_version {
            let mut r = load_speakers(&tx)?;
            r.set_aliases(self.resolver.take_aliases());
            self.resolver = r;
            self.data_version = Some(dv);
        }
        let mut indexed_to = Self::last_quote_id(&tx)?;
        {
            let mut ins_doc = tx.prepare_cached(
                "INSERT INTO documents (id, hash, title, date, url, outlet, bytes, n_quotes, n_figures)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let mut ins_ent = tx.prepare_cached(
                "INSERT INTO entities (doc_id, local_id, name, kind, speaker_id, roles, affiliations, mentions)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut ins_q = tx.prepare_cached(
                "INSERT INTO quotes (doc_id, seq, kind, text, start, \"end\", speaker_id, speaker_name,
                   speaker_kind, via, role, affiliation, cue, cue_lemma, date, outlet, who)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )?;
            let mut ins_f = tx.prepare_cached(
                "INSERT INTO figures (doc_id, seq, text, start, \"end\", value, low, high, qualifier, unit,
                   category, what, source, source_speaker_id, when_text, date, place, part_of, outlet,
                   date_from, period)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            )?;
            let mut ins_sp =
                tx.prepare_cached("INSERT INTO speakers (id, name, kind) VALUES (?1, ?2, ?3)")?;
            let mut upd_sp = tx.prepare_cached("UPDATE speakers SET name = ?2 WHERE id = ?1")?;
            let mut ins_name = tx.prepare_cached(
                "INSERT OR IGNORE INTO speaker_names (name, speaker_id) VALUES (?1, ?2)",
            )?;
            let mut ins_role = tx.prepare_cached(
                "INSERT OR IGNORE INTO speaker_roles (speaker_id, role) VALUES (?1, ?2)",
            )?;
            let mut ins_ctx = tx.prepare_cached(
                "INSERT OR IGNORE INTO speaker_context (speaker_id, org) VALUES (?1, ?2)",
            )?;
            let mut ins_merge = tx.prepare_cached(
                "INSERT INTO merges (speaker_id, name, into_name, reason, doc_id) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for d in docs {
                let l = &d.ledger;
                let old: Option<String> = tx
                    .query_row("SELECT hash FROM documents WHERE id = ?1", [&l.id], |r| {
                        r.get(0)
                    })
                    .optional()?;
                match old {
                    Some(h) if h == d.hash => {
                        stats.unchanged += 1;
                        continue;
                    }
                    Some(_) => {
                        Self::index_quotes(&tx, &mut indexed_to)?;
                        Self::delete_doc(&tx, &l.id)?;
                        stats.changed += 1;
                    }
                    None => stats.new += 1,
                }
                let date = iso_date(l.meta.date.as_deref());
                ins_doc.execute(params![
                    l.id,
                    d.hash,
                    l.meta.title,
                    date,
                    l.meta.url,
                    l.meta.outlet,
                    d.bytes as i64,
                    l.quotes.len() as i64,
                    l.figures.len() as i64
                ])?;
                // entities and their cross-document identities
                let doc_orgs = organisations(l);
                let mut ent_speaker: Vec<Option<i64>> = Vec::with_capacity(l.entities.len());
                for (k, e) in l.entities.iter().enumerate() {
                    let kind = enum_name(&e.kind);
                    let sid = if kind == "person" || kind == "organization" {
                        let shorts = short_forms(e);
                        let o = self
                            .resolver
                            .resolve(&e.name, &kind, &e.roles, &shorts, &doc_orgs);
                        for c in &o.new_context {
                            ins_ctx.execute(params![o.id, c])?;
                        }
                        if !o.joined.is_empty() {
                            Self::index_quotes(&tx, &mut indexed_to)?;
                        }
                        for m in &o.joined {
                            move_identity(&tx, m, &l.id)?;
                            stats.merges += 1;
                        }
                        let ident = &self.resolver.ids[&o.id];
                        if o.new_identity {
                            ins_sp.execute(params![o.id, ident.name, ident.kind])?;
                        } else if o.renamed || !o.joined.is_empty() {
                            upd_sp.execute(params![o.id, ident.name])?;
                        }
                        for f in &o.new_forms {
                            ins_name.execute(params![f, o.id])?;
                        }
                        for r in &o.new_roles {
                            ins_role.execute(params![o.id, r.to_lowercase()])?;
                        }
                        if let Some((form, reason)) = &o.merge {
                            ins_merge.execute(params![o.id, form, o.previous, reason, l.id])?;
                            stats.merges += 1;
                        }
                        Some(o.id)
                    } else {
                        None
                    };
                    ent_speaker.push(sid);
                    ins_ent.execute(params![
                        l.id,
                        k as i64,
                        e.name,
                        kind,
                        sid,
                        serde_json::to_string(&e.roles).unwrap_or_default(),
                        serde_json::to_string(&e.affiliations).unwrap_or_default(),
                        serde_json::to_string(&e.mentions).unwrap_or_default()
                    ])?;
                }
                for (k, q) in l.quotes.iter().enumerate() {
                    let sp = q.speaker.as_ref();
                    let sid = sp
                        .and_then(|s| s.entity)
                        .and_then(|e| ent_speaker.get(e).copied().flatten());
                    let name = sp.map(|s| {
                        sid.and_then(|id| self.resolver.ids.get(&id))
                            .map(|i| i.name.clone())
                            .unwrap_or_else(|| s.name.clone())
                    });
                    ins_q.execute(params![
                        l.id,
                        k as i64,
                        enum_name(&q.kind),
                        q.text,
                        q.start as i64,
                        q.end as i64,
                        sid,
                        name,
                        sp.map(|s| enum_name(&s.kind)),
                        sp.map(|s| enum_name(&s.via)),
                        q.role,
                        q.affiliation,
                        q.cue.as_ref().map(|c| c.text.clone()),
                        q.cue.as_ref().map(|c| c.lemma.clone()),
                        date,
                        l.meta.outlet,
                        sid.map(|i| format!("s{i}"))
                    ])?;
                    stats.quotes += 1;
                }
                for (k, f) in l.figures.iter().enumerate() {
                    let src = f.source.as_ref();
                    let sid = src
                        .and_then(|s| s.entity)
                        .and_then(|e| ent_speaker.get(e).copied().flatten());
                    let when = f.when.as_ref();
                    // the figure's own time when it names one, else the article's
                    let own = when.and_then(|w| period_start(w.date.as_deref()));
                    let (fdate, from, period) = match own {
                        Some((d, p)) => (Some(d), Some("when"), Some(p)),
                        None => (
                            date.clone(),
                            date.as_ref().map(|_| "article"),
                            date.as_ref().map(|_| "day"),
                        ),
                    };
                    ins_f.execute(params![
                        l.id,
                        k as i64,
                        f.text,
                        f.start as i64,
                        f.end as i64,
                        f.value,
                        f.low,
                        f.high,
                        f.qualifier,
                        f.unit,
                        f.category,
                        f.what.as_ref().map(|w| w.text.clone()),
                        src.map(|s| s.name.clone()),
                        sid,
                        when.map(|w| w.text.clone()),
                        fdate,
                        f.place,
                        f.part_of.map(|p| p as i64),
                        l.meta.outlet,
                        from,
                        period
                    ])?;
                    stats.figures += 1;
                }
            }
        }
        Self::index_quotes(&tx, &mut indexed_to)?;
        // one-word identities the evidence now gives to a fuller name
        let last = docs.last().map(|d| d.ledger.id.clone()).unwrap_or_default();
        for m in self.resolver.consolidate() {
            move_identity(&tx, &m, &last)?;
            if let Some(i) = self.resolver.ids.get(&m.into) {
                tx.execute(
                    "UPDATE speakers SET name = ?2 WHERE id = ?1",
                    params![m.into, i.name],
                )?;
            }
            stats.merges += 1;
        }
        {
            let mut up = tx.prepare_cached(
                "INSERT INTO short_forms (form, speaker_id, docs) VALUES (?1, ?2, ?3)
                 ON CONFLICT (form, speaker_id) DO UPDATE SET docs = excluded.docs",
            )?;
            let mut del =
                tx.prepare_cached("DELETE FROM short_forms WHERE form = ?1 AND speaker_id = ?2")?;
            for (f, id, n) in self.resolver.take_dirty() {
                if n == 0 {
                    del.execute(params![f, id])?;
                } else {
                    up.execute(params![f, id, n as i64])?;
                }
            }
        }
        if !before_commit() {
            return Err(Error::Cancelled);
        }
        tx.commit()?;
        Ok(stats)
    }
}

impl Store for SqliteStore {
    fn ingest(&mut self, docs: &[DocIn]) -> Result<IngestStats> {
        self.ingest_with(docs, &mut || true)
    }

    fn has(&self, id: &str, hash: &str) -> Result<bool> {
        let h: Option<String> = self
            .conn
            .query_row("SELECT hash FROM documents WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(h.as_deref() == Some(hash))
    }

    fn quotes(&self, q: &QuoteQuery) -> Result<Page<QuoteRow>> {
        let limit = filters::limit(q.limit)?;
        let (since, until) = filters::window(q.since.as_deref(), q.until.as_deref())?;
        let kind = q.kind.as_deref().map(filters::kind).transpose()?;
        let empty = || Page {
            total: 0,
            offset: q.offset,
            limit,
            rows: Vec::new(),
        };
        let mut cond = String::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if q.text.as_deref().is_some_and(|t| fts_query(t).is_empty()) {
            // words with no letters match nothing
            return Ok(empty());
        }
        let ids = match &q.speaker {
            Some(sp) => {
                let ids = self.speaker_ids(sp)?;
                if ids.is_empty() {
                    return Ok(empty());
                }
                Some(ids)
            }
            None => None,
        };
        match (&ids, &q.text) {
            // words and speaker in one full-text query: the index intersects both
            (Some(ids), Some(t)) if ids.len() <= 64 => {
                let who = ids
                    .iter()
                    .map(|i| format!("s{i}"))
                    .collect::<Vec<_>>()
                    .join(" OR ");
                cond.push_str(
                    " AND q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)",
                );
                args.push(format!("text : ({}) AND who : ({who})", fts_query(t)).into());
            }
            _ => {
                if let Some(ids) = &ids {
                    cond.push_str(&format!(
                        " AND q.speaker_id IN ({})",
                        ids.iter()
                            .map(|i| i.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    ));
                }
                if let Some(t) = &q.text {
                    cond.push_str(
                        " AND q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)",
                    );
                    args.push(format!("text : ({})", fts_query(t)).into());
                }
            }
        }
        for (v, c) in [
            (&since, " AND q.date >= ?"),
            (&until, " AND q.date <= ?"),
            (&q.outlet, " AND q.outlet = ?"),
            (&kind, " AND q.kind = ?"),
        ] {
            if let Some(v) = v {
                cond.push_str(c);
                args.push(v.clone().into());
            }
        }
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM quotes q WHERE 1=1{cond}"),
            rusqlite::params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT q.date, q.outlet, q.doc_id, d.title, d.url, coalesce(s.name, q.speaker_name),
                    q.speaker_id, q.role, q.kind, q.cue, q.text, q.start, q.\"end\"
             FROM quotes q LEFT JOIN speakers s ON s.id = q.speaker_id
             JOIN documents d ON d.id = q.doc_id
             WHERE 1=1{cond} ORDER BY q.date DESC, q.id DESC LIMIT ? OFFSET ?"
        );
        args.push((limit as i64).into());
        args.push((q.offset.min(i64::MAX as usize) as i64).into());
        let mut st = self.conn.prepare(&sql)?;
        let rows = st
            .query_map(rusqlite::params_from_iter(args), |r| {
                Ok(QuoteRow {
                    date: r.get(0)?,
                    outlet: r.get(1)?,
                    doc_id: r.get(2)?,
                    title: r.get(3)?,
                    url: r.get(4)?,
                    speaker: r.get(5)?,
                    speaker_id: r.get(6)?,
                    role: r.get(7)?,
                    kind: r.get(8)?,
                    cue: r.get(9)?,
                    text: r.get(10)?,
                    start: r.get(11)?,
                    end: r.get(12)?,
                })
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Page {
            total: total as usize,
            offset: q.offset,
            limit,
            rows,
        })
    }

    fn figures(&self, q: &FigureQuery) -> Result<Page<FigureRow>> {
        let limit = filters::limit(q.limit)?;
        let (since, until) = filters::window(q.since.as_deref(), q.until.as_deref())?;
        let category = q.category.as_deref().map(filters::category).transpose()?;
        let mut cond = String::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(c) = &category {
            cond.push_str(" AND f.category = ?");
            args.push(c.clone().into());
        }
        if let Some(w) = &q.what {
            cond.push_str(" AND f.what LIKE ? ESCAPE '\\'");
            args.push(format!("%{}%", like_escape(w)).into());
        }
        if let Some(s) = &q.source {
            let ids = self.speaker_ids(s)?;
            let list = ids
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",");
            cond.push_str(&format!(
                " AND (f.source LIKE ? ESCAPE '\\' OR f.source_speaker_id IN ({}))",
                if list.is_empty() { "NULL" } else { &list }
            ));
            args.push(format!("%{}%", like_escape(s)).into());
        }
        if let Some(p) = &q.place {
            cond.push_str(" AND lower(f.place) = lower(?)");
            args.push(p.clone().into());
        }
        if let Some(v) = &since {
            cond.push_str(" AND f.date >= ?");
            args.push(v.clone().into());
        }
        if let Some(v) = &until {
            cond.push_str(" AND f.date <= ?");
            args.push(v.clone().into());
        }
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM figures f WHERE 1=1{cond}"),
            rusqlite::params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let sql = format!(
            "SELECT {FIGURE_COLS} FROM {FIGURE_FROM} WHERE 1=1{cond}
             ORDER BY f.date IS NULL, f.date, f.id LIMIT ? OFFSET ?"
        );
        args.push((limit as i64).into());
        args.push((q.offset.min(i64::MAX as usize) as i64).into());
        let mut st = self.conn.prepare(&sql)?;
        let rows = st
            .query_map(rusqlite::params_from_iter(args), Self::figure_row)?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Page {
            total: total as usize,
            offset: q.offset,
            limit,
            rows,
        })
    }

    fn speakers(&self, limit: usize, offset: usize) -> Result<Page<SpeakerRow>> {
        let limit = filters::limit(limit)?;
        let total: i64 = self.conn.query_row(
            "SELECT count(DISTINCT speaker_id) FROM quotes WHERE speaker_id IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        let mut st = self.conn.prepare(
            "SELECT s.id, s.name, s.kind, count(*), count(DISTINCT q.doc_id)
             FROM quotes q JOIN speakers s ON s.id = q.speaker_id
             GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT ?1 OFFSET ?2",
        )?;
        let mut rows = st
            .query_map([limit as i64, offset.min(i64::MAX as usize) as i64], |r| {
                Ok(SpeakerRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    quotes: r.get(3)?,
                    documents: r.get(4)?,
                    roles: Vec::new(),
                    topics: Vec::new(),
                })
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut roles = self.conn.prepare(
            "SELECT role, count(*) c FROM quotes WHERE speaker_id = ?1 AND role IS NOT NULL
             GROUP BY role ORDER BY c DESC, role LIMIT 3",
        )?;
        let mut texts = self.conn.prepare(
            "SELECT text FROM quotes WHERE speaker_id = ?1 ORDER BY date DESC, id DESC LIMIT 500",
        )?;
        for row in &mut rows {
            row.roles = roles
                .query_map([row.id], |r| r.get(0))?
                .collect::<std::result::Result<Vec<String>, _>>()?;
            let mut counts: std::collections::HashMap<String, usize> = Default::default();
            for t in texts.query_map([row.id], |r| r.get::<_, String>(0))? {
                let t = t?;
                let mut seen = std::collections::HashSet::new();
                for w in t.split(|c: char| !c.is_alphanumeric() && c != '-') {
                    let w = w.to_lowercase();
                    if w.chars().count() < 4
                        || w.chars().any(|c| c.is_ascii_digit())
                        || kutip::lexicon::LEX.words.is("stopword", &w)
                        || !seen.insert(w.clone())
                    {
                        continue;
                    }
                    *counts.entry(w).or_default() += 1;
                }
            }
            let mut v: Vec<(String, usize)> = counts.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            row.topics = v.into_iter().take(5).map(|x| x.0).collect();
        }
        Ok(Page {
            total: total as usize,
            offset,
            limit,
            rows,
        })
    }

    fn disagreements(&self, q: &DisagreementQuery) -> Result<Vec<Disagreement>> {
        disagree::find(self, q)
    }

    fn merges(&self, limit: usize, offset: usize) -> Result<Page<MergeRow>> {
        let limit = filters::limit(limit)?;
        let total: i64 = self.conn.query_row(
            "SELECT count(*) FROM merges m JOIN speakers s ON s.id = m.speaker_id",
            [],
            |r| r.get(0),
        )?;
        let mut st = self.conn.prepare(
            "SELECT s.name, m.name, m.into_name, m.reason, m.doc_id
             FROM merges m JOIN speakers s ON s.id = m.speaker_id ORDER BY m.rowid LIMIT ?1 OFFSET ?2",
        )?;
        let rows = st
            .query_map([limit as i64, offset.min(i64::MAX as usize) as i64], |r| {
                Ok(MergeRow {
                    speaker: r.get(0)?,
                    name: r.get(1)?,
                    into: r.get(2)?,
                    reason: r.get(3)?,
                    doc_id: r.get(4)?,
                })
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Page {
            total: total as usize,
            offset,
            limit,
            rows,
        })
    }

    fn counts(&self) -> Result<[i64; 4]> {
        let c = |t: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?)
        };
        Ok([c("documents")?, c("quotes")?, c("figures")?, c("speakers")?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            iso_date(Some("2024-05-06T10:00:00+07:00")).as_deref(),
            Some("2024-05-06")
        );
        assert_eq!(iso_date(Some("6/5/2024")), None);
        assert_eq!(
            period_start(Some("2022")),
            Some(("2022-01-01".to_string(), "year"))
        );
        assert_eq!(
            period_start(Some("2022-10")),
            Some(("2022-10-01".to_string(), "month"))
        );
        assert_eq!(period_start(Some("20x2")), None);
    }

    #[test]
    fn fts_words_are_quoted() {
        assert_eq!(fts_query("gencatan senjata"), "\"gencatan\" \"senjata\"");
        assert_eq!(fts_query("a\" OR b"), "\"a\" OR \"b\"");
        assert_eq!(
            fts_query("OR perang OR OR damai OR"),
            "\"perang\" OR \"damai\""
        );
        assert_eq!(fts_query("\" ) ..."), "");
    }
}

#[cfg(test)]
mod store_tests {
    use super::*;

    fn ledger(id: &str, date: &str, text: &str) -> DocIn {
        let meta = kutip::Meta {
            date: Some(date.into()),
            ..Default::default()
        };
        DocIn {
            hash: doc_hash(text, &meta),
            bytes: text.len(),
            ledger: kutip::extract(id, text, meta),
        }
    }

    fn tmp_db(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("kutip-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("l.db")
    }

    /// (speaker id, speaker name stored with the quote, identity's name) of every quote.
    fn quote_speakers(s: &SqliteStore) -> Vec<(i64, String, String)> {
        let mut st = s
            .conn
            .prepare(
                "SELECT q.speaker_id, q.speaker_name, s.name FROM quotes q
                 JOIN speakers s ON s.id = q.speaker_id ORDER BY q.doc_id",
            )
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    fn index_sql(s: &SqliteStore) -> Vec<(String, String)> {
        let mut st = s
            .conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn a_bulk_load_builds_its_indexes_at_the_end_and_after_a_crash() {
        let p = tmp_db("bulk");
        let mut s = SqliteStore::open(&p).unwrap();
        let made_by_migrations = index_sql(&s);
        // each deferred index is one the migrations make, with the same definition
        for (name, on) in schema::DEFERRED_INDEXES {
            let sql = &made_by_migrations
                .iter()
                .find(|(n, _)| n == name)
                .expect(name)
                .1;
            let norm = |x: &str| x.split_whitespace().collect::<String>();
            assert!(norm(sql).ends_with(&norm(on)), "{name}: {sql} vs {on}");
        }
        let automerge = |s: &SqliteStore| -> Option<i64> {
            s.conn
                .query_row(
                    "SELECT v FROM quotes_fts_config WHERE k = 'automerge'",
                    [],
                    |r| r.get(0),
                )
                .optional()
                .unwrap()
        };
        assert!(s.begin_bulk().unwrap(), "an empty ledger loads in bulk");
        assert!(index_sql(&s).len() < made_by_migrations.len());
        assert_eq!(automerge(&s), Some(0), "no full-text merging while loading");
        let fk = |s: &SqliteStore| -> i64 {
            s.conn
                .pragma_query_value(None, "foreign_keys", |r| r.get(0))
                .unwrap()
        };
        assert_eq!(fk(&s), 0, "rows just written are not checked one by one");
        s.ingest(&[ledger("a", "2025-01-02", "“Kami siap,” kata Budi Santoso.")])
            .unwrap();
        s.finish_bulk().unwrap();
        assert_eq!(index_sql(&s), made_by_migrations);
        assert_eq!(automerge(&s), Some(FTS_AUTOMERGE));
        assert_eq!(fk(&s), 1);
        let broken: i64 = s
            .conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(
            broken, 0,
            "every row of the load points at what it refers to"
        );
        let found: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH 'siap'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "the merged full-text index finds the statement");
        // a ledger with documents keeps its indexes (a changed document replaces its rows)
        assert!(!s.begin_bulk().unwrap());
        assert_eq!(index_sql(&s), made_by_migrations);
        drop(s);
        // a bulk load that never finished: the next open builds what is missing
        let p2 = tmp_db("bulk-crash");
        let mut s = SqliteStore::open(&p2).unwrap();
        assert!(s.begin_bulk().unwrap());
        drop(s);
        let s = SqliteStore::open(&p2).unwrap();
        assert_eq!(index_sql(&s), made_by_migrations);
        assert_eq!(automerge(&s), Some(FTS_AUTOMERGE));
    }

    #[test]
    fn two_writers_on_one_ledger_keep_speakers_apart() {
        let p = tmp_db("two-writers");
        // the server's writer opens first and keeps its speakers in memory ...
        let mut server = SqliteStore::open(&p).unwrap();
        // ... then another process writes a new speaker
        let mut cli = SqliteStore::open(&p).unwrap();
        cli.ingest(&[ledger(
            "a",
            "2025-01-02",
            "“Stok beras aman sampai Lebaran,” kata Budi Santoso.",
        )])
        .unwrap();
        // the server's next batch must neither collide with nor reuse that identity
        server
            .ingest(&[ledger(
                "b",
                "2025-01-03",
                "“Harga cabai turun pekan ini,” kata Siti Aminah.",
            )])
            .unwrap();
        let q = quote_speakers(&server);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_ne!(q[0].0, q[1].0);
        assert_eq!(q[0].2, "Budi Santoso");
        assert_eq!(q[1].2, "Siti Aminah");
        // and the other way round
        cli.ingest(&[ledger(
            "c",
            "2025-01-04",
            "“Kami terus memantau harga,” kata Siti Aminah.",
        )])
        .unwrap();
        let q = quote_speakers(&cli);
        assert_eq!(q[2].0, q[1].0, "the same person, the same identity: {q:?}");
    }

    #[test]
    fn a_batch_given_up_before_its_commit_leaves_nothing() {
        let p = tmp_db("cancel");
        let mut s = SqliteStore::open(&p).unwrap();
        let d = [ledger("a", "2025-01-02", "“Stok aman,” kata Budi Santoso.")];
        assert!(matches!(
            s.ingest_with(&d, &mut || false),
            Err(Error::Cancelled)
        ));
        assert_eq!(s.counts().unwrap(), [0, 0, 0, 0]);
        // memory was rolled back too: the next batch starts the identities afresh
        s.ingest(&[ledger("b", "2025-01-02", "“Harga naik,” kata Siti Aminah.")])
            .unwrap();
        let q = quote_speakers(&s);
        assert_eq!((q.len(), q[0].2.as_str()), (1, "Siti Aminah"));
        assert_eq!(s.counts().unwrap(), [1, 1, 0, 1]);
    }

    #[test]
    fn a_damaged_file_is_refused_for_writing() {
        let p = tmp_db("damaged");
        {
            let mut s = SqliteStore::open(&p).unwrap();
            let docs: Vec<DocIn> = (0..200)
                .map(|k| {
                    ledger(
                        &format!("d{k}"),
                        "2025-01-02",
                        &format!("“Harga beras naik {k} persen,” kata Budi Santoso{k}. Sebanyak {k} rumah terendam banjir."),
                    )
                })
                .collect();
            s.ingest(&docs).unwrap();
            s.checkpoint().unwrap();
        }
        assert!(SqliteStore::check(&p).unwrap().is_empty());
        let len = std::fs::metadata(&p).unwrap().len();
        let mut b = std::fs::read(&p).unwrap();
        let mid = (len / 2) as usize;
        for (i, x) in b[mid..mid + 8192].iter_mut().enumerate() {
            *x = (i * 7 % 251) as u8;
        }
        std::fs::write(&p, &b).unwrap();
        assert!(matches!(SqliteStore::open(&p), Err(Error::Corrupt(_))));
        assert!(!SqliteStore::check(&p).unwrap().is_empty());
    }

    #[test]
    fn a_ledger_with_a_mentions_table_keeps_its_mentions_on_the_entities() {
        let p = tmp_db("mentions-v3");
        {
            let c = Connection::open(&p).unwrap();
            for m in &schema::MIGRATIONS[..3] {
                c.execute_batch(m).unwrap();
            }
            c.pragma_update(None, "user_version", 3).unwrap();
            c.execute_batch(
                "INSERT INTO documents (id, hash, bytes, n_quotes, n_figures) VALUES ('a', 'h', 10, 0, 0);
                 INSERT INTO entities (doc_id, local_id, name, kind, roles, affiliations)
                   VALUES ('a', 0, 'Budi Santoso', 'person', '[]', '[]'),
                          ('a', 1, 'BPBD', 'org', '[]', '[]');
                 INSERT INTO mentions (doc_id, local_id, text, start, \"end\")
                   VALUES ('a', 0, 'Budi', 40, 44), ('a', 0, 'Budi Santoso', 3, 15);",
            )
            .unwrap();
        }
        let s = SqliteStore::open(&p).unwrap();
        let mut st = s
            .conn
            .prepare("SELECT name, mentions FROM entities ORDER BY local_id")
            .unwrap();
        let rows: Vec<(String, String)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        drop(st);
        let budi: serde_json::Value = serde_json::from_str(&rows[0].1).unwrap();
        assert_eq!(
            budi,
            serde_json::json!([
                {"text": "Budi Santoso", "start": 3, "end": 15},
                {"text": "Budi", "start": 40, "end": 44}
            ])
        );
        assert_eq!(rows[1].1, "[]", "an entity without mentions");
        let gone: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'mentions'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(gone, 0);
    }

    /// Statements are indexed by the writer a batch at a time: a changed document's old
    /// statements leave the full-text index, its new ones and those of a batch whose speakers
    /// merge are found, and the index stays whole.
    #[test]
    fn the_full_text_index_follows_new_changed_and_merged_statements() {
        let p = tmp_db("fts-batches");
        let mut s = SqliteStore::open(&p).unwrap();
        let hits = |s: &SqliteStore, q: &str| -> i64 {
            s.conn
                .query_row(
                    "SELECT count(*) FROM quotes_fts WHERE quotes_fts MATCH ?1",
                    [q],
                    |r| r.get(0),
                )
                .unwrap()
        };
        s.ingest(&[
            ledger("a", "2025-03-01", "“Stok gula aman,” kata Budi Santoso."),
            ledger("b", "2025-03-02", "“Harga gula turun,” kata Budi."),
        ])
        .unwrap();
        assert_eq!(hits(&s, "gula"), 2);
        // a's text changes: its old statement goes, the new one is found
        s.ingest(&[ledger(
            "a",
            "2025-03-01",
            "“Stok beras menipis,” kata Budi Santoso.",
        )])
        .unwrap();
        assert_eq!(hits(&s, "stok gula"), 0);
        assert_eq!(hits(&s, "beras"), 1);
        s.conn
            .execute(
                "INSERT INTO quotes_fts(quotes_fts) VALUES ('integrity-check')",
                [],
            )
            .unwrap();
    }

    #[test]
    fn new_ledgers_hold_each_entitys_mentions() {
        let p = tmp_db("mentions-new");
        let mut s = SqliteStore::open(&p).unwrap();
        s.ingest(&[ledger(
            "a",
            "2025-01-02",
            "“Kami siap,” kata Budi Santoso. Budi menambahkan stok aman.",
        )])
        .unwrap();
        let m: String = s
            .conn
            .query_row(
                "SELECT mentions FROM entities WHERE name = 'Budi Santoso'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let m: Vec<serde_json::Value> = serde_json::from_str(&m).unwrap();
        assert!(m.len() >= 2, "{m:?}");
        assert_eq!(m[0]["text"], "Budi Santoso");
    }

    #[test]
    fn migrations_are_versioned_and_applied_once() {
        let dir = std::env::temp_dir().join(format!("kutip-mig-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("old.db");
        let _ = std::fs::remove_file(&p);
        {
            let c = Connection::open(&p).unwrap();
            c.execute_batch(schema::MIGRATIONS[0]).unwrap();
            c.pragma_update(None, "user_version", 1).unwrap();
        }
        let s = SqliteStore::open(&p).unwrap();
        let v: i64 = s
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v as usize, schema::MIGRATIONS.len());
        let idx: i64 = s
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'figures_place'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(idx, 1);
        drop(s);
        assert!(
            SqliteStore::open(&p).is_ok(),
            "reopening does not migrate again"
        );
        // a database from a newer kutip is refused
        let c = Connection::open(&p).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        assert!(SqliteStore::open(&p).is_err());
    }

    #[test]
    fn sources_that_disagree() {
        let mut s = SqliteStore::open(Path::new(":memory:")).unwrap();
        let docs = [
            ledger(
                "a",
                "2024-05-14",
                "GAZA, KOMPAS.com - Menurut Kementerian Kesehatan Gaza, lebih dari 35.000 warga Palestina tewas sejak perang dimulai.",
            ),
            ledger(
                "b",
                "2024-05-16",
                "GAZA, KOMPAS.com - Menurut militer Israel, 30.000 warga Palestina tewas sejak perang dimulai.",
            ),
            ledger(
                "c",
                "2024-07-30",
                "GAZA, KOMPAS.com - Menurut militer Israel, sekitar 20.000 warga Palestina tewas sejak perang dimulai.",
            ),
        ];
        s.ingest(&docs).unwrap();
        let q = DisagreementQuery {
            category: Some("killed".into()),
            window_days: 7,
            threshold: 0.1,
            limit: 10,
        };
        let d = s.disagreements(&q).unwrap();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].place, "Palestina");
        assert_eq!((d[0].a.value, d[0].b.value), (Some(35000.0), Some(30000.0)));
        // "lebih dari 35.000" and 30.000 cannot both hold: 5,000 apart
        assert!((d[0].difference - 5000.0 / 35000.0).abs() < 1e-9);
        // a wider window reaches the July figure; a higher threshold drops the May pair
        let wide = s
            .disagreements(&DisagreementQuery {
                window_days: 90,
                threshold: 0.2,
                ..q.clone()
            })
            .unwrap();
        assert_eq!(wide.len(), 1, "{wide:?}");
        assert_eq!(wide[0].b.value, Some(20000.0));
        // "sekitar 20.000" reaches 22,000: 13,000 below more than 35,000
        assert!(
            (wide[0].difference - 13000.0 / 35000.0).abs() < 1e-6,
            "{wide:?}"
        );
    }
}
