//! Tagging a ledger's document, and letting the model's spans complete its statements.

use super::decode::runs;
use super::features::{HintsView, SeqView};
use super::Model;
use serde::Serialize;

/// A span labelled by the model in a document, with byte offsets into it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TagSpan {
    pub label: String,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Tag a document's content (paragraphs, not headings, boilerplate or captions): its sentences
/// become one sequence, with the hints of the document's own analysis, and labelled runs become
/// spans over the original text.
pub fn tag_document(model: &Model, text: &str, full: &crate::ledger::Full) -> Vec<TagSpan> {
    let a = &full.analysis;
    let mut toks = Vec::new();
    let mut sent_start = Vec::new();
    for s in &a.sentences {
        if !a.blocks[s.block].kind.is_content() {
            continue;
        }
        for (k, t) in a.tokens[s.tok_start..s.tok_end].iter().enumerate() {
            toks.push((t.start, t.end));
            sent_start.push(k == 0);
        }
    }
    if toks.is_empty() {
        return Vec::new();
    }
    let hints = crate::pfsa::hints_of(text, full, &toks);
    let hints = HintsView::of(&hints);
    let words: Vec<&str> = toks.iter().map(|&(s, e)| &text[s..e]).collect();
    // an article is one sequence; an enormous document is tagged in pieces of whole sentences
    // so that decoding memory stays bounded
    const PIECE: usize = 20_000;
    let mut labels = Vec::with_capacity(toks.len());
    let mut from = 0;
    for k in 1..=words.len() {
        if k == words.len() || (sent_start[k] && k - from >= PIECE) {
            labels.extend(model.decode(&SeqView {
                words: &words[from..k],
                sent_start: &sent_start[from..k],
                hints: hints.slice(from..k),
            }));
            from = k;
        }
    }
    runs(&model.header.labels, &labels)
        .into_iter()
        .map(|(s, e, label)| {
            let (start, end) = (toks[s].0, toks[e].1);
            TagSpan {
                label: label.to_string(),
                text: text[start..end].to_string(),
                start,
                end,
            }
        })
        .collect()
}

/// Let the model's spans complete the rules' statements: a quote whose speaker is introduced
/// by a PERSON span gets the ROLE and AFFILIATION spans next to that introduction when the
/// rules found none. Returns how many fields were filled.
pub fn refine(
    text: &str,
    spans: &[TagSpan],
    quotes: &mut [crate::statements::Quote],
    entities: &mut [crate::entities::Entity],
) -> usize {
    let glue = |a: usize, b: usize| {
        a <= b && b - a <= 3 && text[a..b].chars().all(|c| c.is_whitespace() || c == ',')
    };
    let mut filled = 0;
    // PERSON spans in text order (spans come sorted by start)
    let persons: Vec<usize> = (0..spans.len())
        .filter(|&k| spans[k].label == "PERSON")
        .collect();
    // per entity, the first PERSON span that overlaps one of its mentions
    let mut person_of: std::collections::HashMap<usize, Option<usize>> = Default::default();
    for q in quotes.iter_mut() {
        let Some(e) = q.speaker.as_ref().and_then(|s| s.entity) else {
            continue;
        };
        let Some(ent) = entities.get_mut(e) else {
            continue;
        };
        let found = *person_of.entry(e).or_insert_with(|| {
            ent.mentions
                .iter()
                .filter_map(|m| {
                    let k = persons.partition_point(|&p| spans[p].end <= m.start);
                    persons.get(k).copied().filter(|&p| spans[p].start < m.end)
                })
                .min()
        });
        let Some(pi) = found else {
            continue;
        };
        // the chain of ROLE/AFFILIATION spans glued to it on either side
        let mut chain: Vec<&TagSpan> = Vec::new();
        let mut k = pi;
        while k > 0
            && matches!(spans[k - 1].label.as_str(), "ROLE" | "AFFILIATION")
            && glue(spans[k - 1].end, spans[k].start)
        {
            k -= 1;
            chain.push(&spans[k]);
        }
        let mut k = pi;
        while k + 1 < spans.len()
            && matches!(spans[k + 1].label.as_str(), "ROLE" | "AFFILIATION")
            && glue(spans[k].end, spans[k + 1].start)
        {
            k += 1;
            chain.push(&spans[k]);
        }
        for s in chain {
            let slot = if s.label == "ROLE" {
                &mut q.role
            } else {
                &mut q.affiliation
            };
            if slot.is_none() {
                *slot = Some(s.text.clone());
                filled += 1;
            }
            let list = if s.label == "ROLE" {
                &mut ent.roles
            } else {
                &mut ent.affiliations
            };
            if !list.contains(&s.text) {
                list.push(s.text.clone());
            }
        }
    }
    filled
}
