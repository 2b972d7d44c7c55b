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
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    pub id: String,
    pub schema: &'static str,
    pub meta: Meta,
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
}

/// Run blocks, segmentation, entities and statements.
pub fn analyze_full(text: &str) -> Full {
    let analysis = crate::segment::analyze(text);
    let (quotations, inside) = crate::statements::quotations(&analysis);
    let mut entities = crate::entities::find(text, &analysis, &inside);
    let quotes = crate::statements::find(text, &analysis, &mut entities, &quotations, &inside);
    Full {
        analysis,
        entities,
        quotes,
    }
}

/// Run the whole pipeline over one document.
pub fn extract(id: &str, text: &str, meta: Meta) -> Ledger {
    extract_with(id, text, meta, None)
}

/// Run the whole pipeline; with a trained tagger, its spans are added to the ledger
/// (`tags`) and complete the speakers' roles and affiliations ([`crate::tagger::refine`]).
pub fn extract_with(
    id: &str,
    text: &str,
    meta: Meta,
    model: Option<&crate::tagger::Model>,
) -> Ledger {
    let mut full = analyze_full(text);
    let figures = crate::figures::find(text, &full, meta.date.as_deref());
    let mut tags = Vec::new();
    if let Some(m) = model {
        tags = crate::tagger::tag_document(m, text, &full.analysis);
        crate::tagger::refine(text, &tags, &mut full.quotes, &mut full.entities.entities);
    }
    Ledger {
        id: id.to_string(),
        schema: SCHEMA,
        meta,
        blocks: full.analysis.blocks,
        quotes: full.quotes,
        figures,
        entities: full.entities.entities,
        tags,
    }
}
