//! Who a figure is claimed by.

use super::Source;
use crate::ledger::Full;

/// Who a figure is attributed to, in this order: the speaker of the statement it sits in; the
/// source a figure-source pattern names in its sentence (`Full::sources`); the source of the
/// sentence before in the same paragraph, which a sentence of figures with no attribution of
/// its own continues ("Dari jumlah tersebut, 14 ..."). Figures are asked for in text order, so
/// the statements are swept along with them and the cost stays linear.
pub(super) struct Sources<'a> {
    full: &'a Full,
    /// next statement not yet active, and the active ones (index order)
    next_quote: usize,
    active: Vec<usize>,
    /// the sentence being read
    cur: Option<Current>,
    /// the source the sentence before left: (its block, the source)
    before: Option<(usize, Source)>,
}

/// What a sentence says about its figures' source.
struct Current {
    sent: usize,
    block: usize,
    /// named by a figure-source pattern
    own: Option<Source>,
    /// the speaker of a statement in the sentence
    spoken: Option<Source>,
    /// a figure of it took the source carried from the sentence before
    carried: Option<Source>,
}

impl<'a> Sources<'a> {
    pub fn new(full: &'a Full) -> Sources<'a> {
        Sources {
            full,
            next_quote: 0,
            active: Vec::new(),
            cur: None,
            before: None,
        }
    }

    /// Read sentences up to `si` (in order): each leaves its source, or none, to the next.
    fn enter(&mut self, si: usize) {
        let from = match &self.cur {
            Some(c) if c.sent == si => return,
            Some(c) => c.sent + 1,
            None => 0,
        };
        for k in from..=si {
            if let Some(c) = self.cur.take() {
                let left = c.own.or(c.spoken).or(c.carried);
                self.before = left.map(|l| (c.block, l));
            }
            self.cur = Some(self.read(k));
        }
    }

    fn read(&self, k: usize) -> Current {
        let a = &self.full.analysis;
        let s = a.sentences[k];
        let own = self.full.sources.get(k).cloned().flatten().map(|x| Source {
            name: x.name,
            entity: x.entity,
            start: x.start,
            end: x.end,
            via: x.pattern,
            relay: None,
        });
        let (s0, s1) = (a.tokens[s.tok_start].start, a.tokens[s.tok_end - 1].end);
        // statements are sorted by start: the last one that begins before the sentence ends
        let qs = &self.full.quotes;
        let upto = qs.partition_point(|q| q.start < s1);
        let spoken = qs[..upto]
            .iter()
            .rev()
            .take(8)
            .find(|q| q.end > s0 && q.speaker.is_some())
            .and_then(statement_source);
        Current {
            sent: k,
            block: s.block,
            own,
            spoken,
            carried: None,
        }
    }

    /// The source of the figure starting at token `i` of sentence `si`.
    pub fn of(&mut self, i: usize, si: usize) -> Option<Source> {
        self.enter(si);
        if let Some(q) = self.statement(self.full.analysis.tokens[i].start) {
            return Some(q);
        }
        let before = self.before.clone();
        let c = self.cur.as_mut()?;
        if let Some(o) = &c.own {
            return Some(o.clone());
        }
        if c.spoken.is_some() {
            return None;
        }
        let (block, carried) = before?;
        if block != c.block {
            return None;
        }
        let src = Source {
            via: "carried",
            ..carried
        };
        c.carried = Some(src.clone());
        Some(src)
    }

    /// Inside a statement: its speaker (the first statement in order that holds `pos`).
    fn statement(&mut self, pos: usize) -> Option<Source> {
        let qs = &self.full.quotes;
        while self.next_quote < qs.len() && qs[self.next_quote].start <= pos {
            self.active.push(self.next_quote);
            self.next_quote += 1;
        }
        self.active.retain(|&q| qs[q].end > pos);
        self.active.iter().find_map(|&q| statement_source(&qs[q]))
    }
}

fn statement_source(q: &crate::statements::Quote) -> Option<Source> {
    let sp = q.speaker.as_ref()?;
    Some(Source {
        name: sp.name.clone(),
        entity: sp.entity,
        start: sp.mention.start,
        end: sp.mention.end,
        via: "statement",
        relay: q.relay.clone(),
    })
}
