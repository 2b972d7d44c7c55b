//! The ledger: the serialisable result of the pipeline for one document (schema `kutip/1`).

use crate::doc::{Analysis, Block};
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

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ledger {
    pub id: String,
    pub schema: String,
    pub meta: Meta,
    pub blocks: Vec<Block>,
    pub quotes: Vec<serde_json::Value>,
    pub figures: Vec<serde_json::Value>,
    pub entities: Vec<serde_json::Value>,
}

/// Run the whole pipeline over one document.
pub fn extract(id: &str, text: &str, meta: Meta) -> Ledger {
    let a: Analysis = crate::segment::analyze(text);
    Ledger {
        id: id.to_string(),
        schema: SCHEMA.to_string(),
        meta,
        blocks: a.blocks,
        quotes: vec![],
        figures: vec![],
        entities: vec![],
    }
}
