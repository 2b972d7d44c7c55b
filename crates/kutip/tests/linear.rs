//! The cost of a document grows linearly with its length: eight times the text may take at
//! most about eight times as long (the bound below is three times that, so that a noisy
//! machine does not fail it; quadratic cost gives sixty-four).
//!
//! Each shape is a way documents grow in practice: joined articles with a new speaker in
//! every sentence, a page with no sentence breaks, a run of capitalised words, many quotes.

use std::time::Instant;

fn best_of(n: usize, text: &str) -> f64 {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            let l = kutip::extract("x", text, kutip::Meta::default());
            std::hint::black_box(l);
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// A document of about `bytes` bytes made of `unit(k)` for k = 0, 1, 2 ...
fn grow(bytes: usize, unit: impl Fn(usize) -> String) -> String {
    let mut s = String::new();
    let mut k = 0;
    while s.len() < bytes {
        s.push_str(&unit(k));
        k += 1;
    }
    s
}

const GIVEN: [&str; 8] = [
    "Budi", "Siti", "Agus", "Dewi", "Rina", "Joko", "Tri", "Ahmad",
];

/// A named way of making the k-th piece of a growing document.
type Shape = (&'static str, Box<dyn Fn(usize) -> String>);

fn shapes() -> Vec<Shape> {
    vec![
        (
            "a new speaker in every sentence",
            Box::new(|k| {
                format!(
                    "“Harga beras naik {k} persen,” kata {} Wiranata{k} di Bandung. Menurut Menteri Keuangan {} Suryo{k}, anggaran cukup. Sebanyak {k} orang tewas, menurut BNPB.\n",
                    GIVEN[k % 8],
                    GIVEN[(k + 3) % 8]
                )
            }),
        ),
        (
            "no sentence break at all",
            Box::new(|k| {
                format!("harga naik {k} persen menurut pedagang, kata Budi bahwa stok cukup ")
            }),
        ),
        (
            "capitalised words without end",
            Box::new(|k| {
                format!("Harga Naik Lima Persen Kata Budi Santoso{k} Dari Kementerian Keuangan ")
            }),
        ),
        (
            "quotes and pronouns",
            Box::new(|k| {
                format!(
                    "“Kami siap,” ujarnya. Ia mengatakan bahwa {k} posko dibuka. “Tidak ada masalah,” tegas {} Prakoso.\n",
                    GIVEN[k % 8]
                )
            }),
        ),
    ]
}

#[test]
fn eight_times_the_text_costs_about_eight_times_as_much() {
    // warm the lexicons up
    kutip::extract("w", "Kata Budi.", kutip::Meta::default());
    for (name, unit) in shapes() {
        let small = grow(150_000, &unit);
        let large = grow(1_200_000, &unit);
        let (ts, tl) = (best_of(5, &small), best_of(2, &large));
        let ratio = tl / ts.max(1e-4);
        let size = large.len() as f64 / small.len() as f64;
        eprintln!("{name}: {ts:.4}s -> {tl:.4}s for {size:.1}x the text (x{ratio:.1})");
        assert!(
            ratio < size * 3.0,
            "{name}: {size:.1} times the text took {ratio:.1} times as long ({ts:.4}s -> {tl:.4}s)"
        );
    }
}
