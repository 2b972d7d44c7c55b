//! Stage 5: quantitative claims (filled in by the figures stage).

use crate::ledger::Full;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

pub fn find(_src: &str, _full: &Full, _date: Option<&str>) -> Vec<Figure> {
    Vec::new()
}
