//! kutip: an attribution ledger for Indonesian news.
//!
//! The crate is pure: it never touches files or the network. A document goes through
//! these stages, each in its own module:
//!
//! 1. [`blocks`]: lines become paragraphs, headings, datelines, captions or boilerplate;
//! 2. [`segment`]: tokens and sentences with byte offsets;
//! 3. [`entities`]: mentions of persons, organisations and places;
//! 4. [`statements`]: direct, indirect and mixed quotes with their speakers;
//! 5. [`figures`]: quantitative claims, built on [`numbers`];
//! 6. [`ledger`]: the serialisable output (`"schema": "kutip/1"`).
//!
//! Language data lives in `lang/id/` and is loaded by [`lexicon`].

pub mod blocks;
pub mod doc;
pub mod entities;
pub mod figures;
pub mod ledger;
pub mod lexicon;
pub mod numbers;
pub mod pattern;
pub mod pfsa;
pub mod segment;
pub mod statements;
pub mod tagger;

pub use doc::{Analysis, Block, BlockKind, Sentence, TokKind, Token};
pub use ledger::{extract, Ledger, Meta, SCHEMA};
