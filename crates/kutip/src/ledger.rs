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
    let full = analyze_full(text);
    let figures = crate::figures::find(text, &full, meta.date.as_deref());
    Ledger {
        id: id.to_string(),
        schema: SCHEMA,
        meta,
        blocks: full.analysis.blocks,
        quotes: full.quotes,
        figures,
        entities: full.entities.entities,
    }
}
