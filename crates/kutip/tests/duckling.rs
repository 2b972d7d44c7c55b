//! Every example of Duckling's Indonesian numeral, ordinal and money tests
//! (`../shared/data/numbers/all_id.tsv`) gives the stated value, interval and currency.

use std::path::Path;

#[test]
fn all_duckling_examples() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/numbers/all_id.tsv");
    let Ok(src) = std::fs::read_to_string(&p) else {
        eprintln!("skipping: {} not found (../shared is absent)", p.display());
        return;
    };
    let mut failed = Vec::new();
    let mut n = 0;
    for line in src.lines().skip(1) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 5 {
            continue;
        }
        n += 1;
        let (dim, text, expected, unit, kind) = (c[0], c[1], c[2], c[3], c[4]);
        let got = kutip::numbers::parse(text);
        let ok = match &got {
            None => false,
            Some(a) => {
                let unit_ok = unit.is_empty() || a.unit == Some(unit);
                let ord_ok = (dim == "Ordinal") == a.ordinal;
                let close = |x: Option<f64>, y: &str| {
                    x.zip(y.parse::<f64>().ok())
                        .is_some_and(|(x, y)| (x - y).abs() < 1e-6)
                };
                let val_ok = match kind {
                    "interval" => {
                        let (l, h) = expected.split_once('-').unwrap_or(("", ""));
                        close(a.low, l) && close(a.high, h)
                    }
                    "interval_max" => {
                        close(a.high, expected.trim_start_matches('<')) && a.low.is_none()
                    }
                    "interval_min" => {
                        close(a.low, expected.trim_start_matches('>')) && a.high.is_none()
                    }
                    _ => close(a.value, expected),
                };
                unit_ok && ord_ok && val_ok
            }
        };
        if !ok {
            failed.push(format!(
                "{text:?} → {got:?}, expected {expected} {unit} {kind}"
            ));
        }
    }
    assert_eq!(n, 119);
    assert!(
        failed.is_empty(),
        "{} of {n} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
