//! Running a function over a stream of documents: parallel batches, results written in input
//! order, one failure reported and the rest still processed.
//!
//! A panic inside the pipeline for one document is caught (`kutip::ledger::run` or
//! [`guarded`]) and reported with the document's id and where it came from; the quiet panic
//! hook installed by [`install_panic_hook`] keeps the report to that one line (set
//! `RUST_BACKTRACE=1` for the full trace).

use crate::input::{Doc, Item};
use crate::progress::Progress;
use rayon::prelude::*;
use std::cell::RefCell;
use std::io::Write;

thread_local! {
    /// Where the last panic on this thread happened (for the one-line report).
    static PANIC_AT: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Is this thread inside [`guarded`]?
    static GUARDED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Inside [`guarded`], replace the panic output with a note of its location (unless a
/// backtrace is asked for): the catching site prints the one-line report. Elsewhere panics
/// print as before.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let verbose = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            PANIC_AT.with(|p| *p.borrow_mut() = Some(at));
            if verbose || GUARDED.with(|g| g.get()) == 0 {
                default(info);
            }
        }));
    });
}

/// The location of the last panic on this thread, taken.
pub fn panic_location() -> Option<String> {
    PANIC_AT
        .with(|p| p.borrow_mut().take())
        .filter(|s| !s.is_empty())
}

/// Run `f`, turning a panic into an error message.
pub fn guarded<T>(f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    GUARDED.with(|g| g.set(g.get() + 1));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get().saturating_sub(1)));
    match r {
        Ok(r) => r,
        Err(p) => Err(anyhow::Error::new(kutip::ledger::Failure::Panic(
            kutip::ledger::panic_message(p.as_ref()),
        ))),
    }
}

/// The message for a document that failed: its id, where it came from, and for an internal
/// error the place in the code.
pub fn doc_error(d: &Doc, e: &anyhow::Error) -> String {
    let origin = if d.origin == d.id {
        String::new()
    } else {
        format!(" ({})", d.origin)
    };
    let at = match e.downcast_ref::<kutip::ledger::Failure>() {
        Some(kutip::ledger::Failure::Panic(_)) => panic_location()
            .map(|l| format!(" at {l}"))
            .unwrap_or_default(),
        _ => String::new(),
    };
    format!("{}{origin}: {e:#}{at}; the document was skipped", d.id)
}

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub failed: usize,
    pub skipped: usize,
    pub bytes: usize,
}

/// Stream `items`, apply `f` to each document in parallel batches and write the lines it
/// returns to `out` in input order. Errors go to `err`, one line each; they never stop the
/// run.
pub fn run<F>(
    items: impl Iterator<Item = Item>,
    f: F,
    out: &mut impl Write,
    err: &mut dyn FnMut(&str),
    pb: &Progress,
) -> anyhow::Result<Summary>
where
    F: Fn(&Doc) -> anyhow::Result<String> + Sync,
{
    let mut items = items;
    let mut sum = Summary::default();
    loop {
        let batch: Vec<Item> = items.by_ref().take(256).collect();
        if batch.is_empty() {
            break;
        }
        let results: Vec<(usize, Result<String, String>)> = batch
            .into_par_iter()
            .filter_map(|item| match item {
                Item::Doc(d) => Some((
                    d.text.len(),
                    guarded(|| f(&d)).map_err(|e| doc_error(&d, &e)),
                )),
                Item::Error(e) => Some((0, Err(e))),
                Item::Skipped(_) => None,
            })
            .collect();
        for (bytes, r) in results {
            match r {
                Ok(s) => {
                    out.write_all(s.as_bytes())?;
                    out.write_all(b"\n")?;
                    sum.documents += 1;
                    sum.bytes += bytes;
                }
                Err(e) => {
                    sum.failed += 1;
                    pb.bar.suspend(|| err(&format!("kutip: error: {e}")));
                }
            }
            pb.advance(1, bytes as u64, "");
        }
    }
    out.flush()?;
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str) -> Item {
        Item::Doc(Box::new(Doc::plain(
            id.into(),
            text.into(),
            kutip::Meta::default(),
            format!("t.jsonl:{id}"),
        )))
    }

    #[test]
    fn a_panic_in_one_document_leaves_the_others_intact() {
        install_panic_hook();
        let items = vec![
            doc("1", "Satu."),
            doc("2", "Dua."),
            Item::Error("t.jsonl: line 3: malformed JSON".into()),
            doc("4", "Empat."),
        ];
        let mut out = Vec::new();
        let mut errs = Vec::new();
        let sum = run(
            items.into_iter(),
            |d| {
                if d.id == "2" {
                    panic!("boom in stage X");
                }
                Ok(format!("ok {}", d.id))
            },
            &mut out,
            &mut |e| errs.push(e.to_string()),
            &Progress::new(&[], false),
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "ok 1\nok 4\n");
        assert_eq!((sum.documents, sum.failed), (2, 2));
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].contains("2 (t.jsonl:2)"), "{}", errs[0]);
        assert!(errs[0].contains("boom in stage X"), "{}", errs[0]);
        assert!(errs[0].contains("internal error"), "{}", errs[0]);
        assert!(errs[1].contains("line 3"));
    }
}
