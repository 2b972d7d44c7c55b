//! Versioned schema migrations. `PRAGMA user_version` holds the number of migrations applied;
//! each runs once, inside a transaction. Add new migrations at the end, never edit old ones.
//!
//! The SQL stays portable where it costs nothing (plain types, explicit keys); the SQLite-only
//! parts are the FTS5 table and its triggers.

/// Secondary indexes a bulk load into an empty ledger builds at its end instead of row by
/// row (`SqliteStore::begin_bulk`): each `(name, definition)` as the migrations create it.
/// Their keys (document ids, dates, categories) arrive in no order, so maintaining them
/// during the load rewrites pages all over the file. The indexes that identity merges use
/// (by speaker) are kept.
pub const DEFERRED_INDEXES: &[(&str, &str)] = &[
    ("documents_date", "documents(date)"),
    ("quotes_doc", "quotes(doc_id)"),
    ("quotes_date", "quotes(date)"),
    ("figures_doc", "figures(doc_id)"),
    ("figures_category", "figures(category, date)"),
    ("figures_place", "figures(category, place, date)"),
];

pub const MIGRATIONS: &[&str] = &[
    // 1: documents, speakers, entities, mentions, quotes (+ full text), figures
    r#"
CREATE TABLE documents (
    id        TEXT PRIMARY KEY,
    hash      TEXT NOT NULL,
    title     TEXT,
    date      TEXT,
    url       TEXT,
    outlet    TEXT,
    bytes     INTEGER NOT NULL,
    n_quotes  INTEGER NOT NULL,
    n_figures INTEGER NOT NULL
);
CREATE INDEX documents_date ON documents(date);

-- one row per cross-document identity of a person or organisation
CREATE TABLE speakers (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
);
-- every name form that resolves to a speaker (lower-cased)
CREATE TABLE speaker_names (
    name       TEXT PRIMARY KEY,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id)
);
CREATE INDEX speaker_names_speaker ON speaker_names(speaker_id);
CREATE TABLE speaker_roles (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    role       TEXT NOT NULL,
    PRIMARY KEY (speaker_id, role)
);
-- why two name forms were made one identity
CREATE TABLE merges (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    name       TEXT NOT NULL,
    into_name  TEXT NOT NULL,
    reason     TEXT NOT NULL,
    doc_id     TEXT NOT NULL
);

CREATE TABLE entities (
    doc_id       TEXT NOT NULL REFERENCES documents(id),
    local_id     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    speaker_id   INTEGER REFERENCES speakers(id),
    roles        TEXT NOT NULL,
    affiliations TEXT NOT NULL,
    PRIMARY KEY (doc_id, local_id)
);
CREATE TABLE mentions (
    doc_id   TEXT NOT NULL REFERENCES documents(id),
    local_id INTEGER NOT NULL,
    text     TEXT NOT NULL,
    start    INTEGER NOT NULL,
    "end"    INTEGER NOT NULL
);
CREATE INDEX mentions_doc ON mentions(doc_id);

CREATE TABLE quotes (
    id           INTEGER PRIMARY KEY,
    doc_id       TEXT NOT NULL REFERENCES documents(id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    start        INTEGER NOT NULL,
    "end"        INTEGER NOT NULL,
    speaker_id   INTEGER REFERENCES speakers(id),
    -- "s<speaker_id>", indexed with the text so that speaker + words is one FTS query
    who          TEXT,
    speaker_name TEXT,
    speaker_kind TEXT,
    via          TEXT,
    role         TEXT,
    affiliation  TEXT,
    cue          TEXT,
    cue_lemma    TEXT,
    date         TEXT,
    outlet       TEXT
);
CREATE INDEX quotes_doc ON quotes(doc_id);
CREATE INDEX quotes_speaker ON quotes(speaker_id, date);
CREATE INDEX quotes_date ON quotes(date);

CREATE VIRTUAL TABLE quotes_fts USING fts5(text, who, content='quotes', content_rowid='id');
CREATE TRIGGER quotes_ai AFTER INSERT ON quotes BEGIN
    INSERT INTO quotes_fts(rowid, text, who) VALUES (new.id, new.text, new.who);
END;
CREATE TRIGGER quotes_ad AFTER DELETE ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text, who) VALUES ('delete', old.id, old.text, old.who);
END;

CREATE TABLE figures (
    id                INTEGER PRIMARY KEY,
    doc_id            TEXT NOT NULL REFERENCES documents(id),
    seq               INTEGER NOT NULL,
    text              TEXT NOT NULL,
    start             INTEGER NOT NULL,
    "end"             INTEGER NOT NULL,
    value             REAL,
    low               REAL,
    high              REAL,
    qualifier         TEXT NOT NULL,
    unit              TEXT,
    category          TEXT NOT NULL,
    what              TEXT,
    source            TEXT,
    source_speaker_id INTEGER REFERENCES speakers(id),
    when_text         TEXT,
    date              TEXT,
    place             TEXT,
    part_of           INTEGER,
    outlet            TEXT
);
CREATE INDEX figures_doc ON figures(doc_id);
CREATE INDEX figures_category ON figures(category, date);
"#,
    // 2: figures in the order of `disagreements` (category, place, date)
    r#"
CREATE INDEX figures_place ON figures(category, place, date);
"#,
    // 3: identities that merge: the evidence for one-word names, where merged identities
    // went, the indexes that moving their rows needs, and the full-text row of a quote whose
    // speaker changes
    r#"
CREATE TABLE short_forms (
    form       TEXT NOT NULL,
    speaker_id INTEGER NOT NULL,
    docs       INTEGER NOT NULL,
    PRIMARY KEY (form, speaker_id)
);
-- organisations named in the documents of an identity known by one word
CREATE TABLE speaker_context (
    speaker_id INTEGER NOT NULL,
    org        TEXT NOT NULL,
    PRIMARY KEY (speaker_id, org)
);
CREATE TABLE speaker_moves (
    old_id INTEGER PRIMARY KEY,
    new_id INTEGER NOT NULL
);
CREATE INDEX entities_speaker ON entities(speaker_id);
-- where a figure's date comes from (`when`: its own time expression; `article`) and the period
-- it names (`day`, `month`, `year`)
ALTER TABLE figures ADD COLUMN date_from TEXT;
ALTER TABLE figures ADD COLUMN period TEXT;
CREATE INDEX figures_source_speaker ON figures(source_speaker_id);
CREATE TRIGGER quotes_au AFTER UPDATE OF who, text ON quotes BEGIN
    INSERT INTO quotes_fts(quotes_fts, rowid, text, who) VALUES ('delete', old.id, old.text, old.who);
    INSERT INTO quotes_fts(rowid, text, who) VALUES (new.id, new.text, new.who);
END;
"#,
    // 4: an entity's mentions as one JSON column (`[{"text","start","end"}]`, in text order),
    // like its roles: nothing asks for a mention without its entity, and a table of them held
    // half the rows a ledger writes
    r#"
ALTER TABLE entities ADD COLUMN mentions TEXT NOT NULL DEFAULT '[]';
UPDATE entities SET mentions = (
    SELECT coalesce(json_group_array(json_object('text', m.text, 'start', m.start, 'end', m."end")), '[]')
    FROM (SELECT * FROM mentions m
          WHERE m.doc_id = entities.doc_id AND m.local_id = entities.local_id
          ORDER BY m.start) AS m
);
DROP TABLE mentions;
"#,
    // 5: the full-text rows of new statements are written by the writer, a batch's statements
    // in one INSERT ... SELECT (`SqliteStore::index_quotes`): a trigger wrote them one by one,
    // and FTS5 writes its pending terms to disk at every statement, so each statement made a
    // segment of its own and merging them took a third of a load
    r#"
DROP TRIGGER quotes_ai;
"#,
];
