//! Progress on a terminal: a bar with percent and time left when the input's size is known
//! (files), else a spinner; documents and documents per second as integers.

use crate::input::Entry;
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

pub struct Progress {
    pub bar: ProgressBar,
    sized: bool,
    docs: AtomicU64,
    start: Instant,
}

impl Progress {
    /// A bar over the inputs' bytes when they are all files, a spinner for standard input;
    /// hidden unless `show`.
    pub fn new(entries: &[Entry], show: bool) -> Progress {
        let size: Option<u64> = entries
            .iter()
            .map(|e| match e {
                Entry::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
                _ => None,
            })
            .sum();
        let bar = match (show, size) {
            (false, _) => ProgressBar::hidden(),
            (true, Some(n)) => {
                let pb = ProgressBar::new(n.max(1));
                pb.set_style(
                    ProgressStyle::with_template(
                        "{bar:30} {percent:>3}% · {msg} · {elapsed} elapsed, about {eta} left",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                pb
            }
            (true, None) => {
                let pb = ProgressBar::new_spinner();
                pb.set_style(
                    ProgressStyle::with_template("{spinner} {msg} · {elapsed}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                pb
            }
        };
        Progress {
            bar,
            sized: size.is_some(),
            docs: AtomicU64::new(0),
            start: Instant::now(),
        }
    }

    /// `docs` more documents of `bytes` bytes are done; `extra` goes after the counts.
    pub fn advance(&self, docs: u64, bytes: u64, extra: &str) {
        let n = self.docs.fetch_add(docs, Ordering::Relaxed) + docs;
        if self.sized {
            self.bar.inc(bytes);
        } else {
            self.bar.tick();
        }
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        let rate = (n as f64 / secs).round() as u64;
        let sep = if extra.is_empty() { "" } else { " · " };
        self.bar
            .set_message(format!("{n} documents, {rate} documents/s{sep}{extra}"));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
