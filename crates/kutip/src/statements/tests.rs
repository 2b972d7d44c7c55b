//! Tests of the statements stage, in our own words.

use super::*;

fn quotes(t: &str) -> Vec<Quote> {
    crate::ledger::analyze_full(t).quotes
}

fn who(q: &Quote) -> (&str, Via) {
    let s = q.speaker.as_ref().expect("speaker");
    (s.name.as_str(), s.via)
}

#[test]
fn direct_after_with_title_and_clitic() {
    let t = "\"Harga pangan harus tetap stabil sampai akhir tahun,\" ujar Presiden Prabowo Subianto dalam keterangannya, Selasa (21/10/2025).\n\"Kita tidak boleh lengah,\" tegasnya.";
    let q = quotes(t);
    assert_eq!(q.len(), 2);
    assert_eq!(q[0].kind, QuoteKind::Direct);
    assert_eq!(
        q[0].text,
        "Harga pangan harus tetap stabil sampai akhir tahun"
    );
    assert_eq!(who(&q[0]), ("Prabowo Subianto", Via::Title));
    assert_eq!(q[0].role.as_deref(), Some("Presiden"));
    assert_eq!(q[0].cue.as_ref().unwrap().lemma, "ujar");
    assert_eq!(who(&q[1]), ("Prabowo Subianto", Via::Clitic));
    assert_eq!(q[1].cue.as_ref().unwrap().text, "tegasnya");
}

#[test]
fn direct_before_and_colon() {
    let t = "Menteri Kesehatan Budi Santoso mengatakan, “Vaksin sudah tiba di semua provinsi.”\nSiti Aminah: “Kami belum menerima bantuan apa pun.”";
    let q = quotes(t);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(who(&q[0]).0, "Budi Santoso");
    assert_eq!(q[0].cue.as_ref().unwrap().text, "mengatakan");
    assert_eq!(who(&q[1]).0, "Siti Aminah");
}

#[test]
fn indirect_pronoun_and_menurut() {
    let t = "Gubernur Jawa Barat Dedi Mulyana hadir di lokasi banjir. Dia mengatakan bahwa pemerintah akan membangun tanggul baru tahun depan. Menurut Dedi, anggaran sudah disiapkan sejak bulan lalu.";
    let q = quotes(t);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].kind, QuoteKind::Indirect);
    assert_eq!(
        q[0].text,
        "pemerintah akan membangun tanggul baru tahun depan"
    );
    assert_eq!(who(&q[0]), ("Dedi Mulyana", Via::Pronoun));
    assert_eq!(q[0].role.as_deref(), Some("Gubernur Jawa Barat"));
    assert_eq!(q[1].text, "anggaran sudah disiapkan sejak bulan lalu");
    assert_eq!(q[1].cue.as_ref().unwrap().lemma, "turut");
}

#[test]
fn scare_quotes_are_not_statements_but_make_mixed() {
    let t = "Koalisi itu disebut sebagai “rumah besar” oleh para pendukungnya. Ketua KPU, Rina Wijaya menegaskan proses rekapitulasi berjalan “sangat transparan” hingga hari ini.";
    let q = quotes(t);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].kind, QuoteKind::Mixed);
    assert_eq!(who(&q[0]), ("Rina Wijaya", Via::Apposition));
    assert_eq!(q[0].affiliation.as_deref(), Some("KPU"));
}

#[test]
fn multi_paragraph_quote_and_carryover() {
    let t = "“Kami sudah menyiapkan tiga posko,” kata Kapolres Bogor AKBP Rudi Hartono.\n“Petugas berjaga selama dua puluh empat jam.\n“Warga bisa melapor kapan saja melalui nomor darurat.”";
    let q = quotes(t);
    assert_eq!(q.len(), 2, "{q:?}");
    assert!(q[1].text.starts_with("Petugas berjaga") && q[1].text.ends_with("nomor darurat"));
    assert_eq!(who(&q[1]).1, Via::Carryover);
    assert_eq!(who(&q[1]).0, who(&q[0]).0);
}

#[test]
fn trailing_cue_without_marks() {
    let q = quotes("Rapat akan dilanjutkan pekan depan di gedung DPR, kata Ahmad Fauzi.");
    assert_eq!(q.len(), 1);
    assert_eq!(
        q[0].text,
        "Rapat akan dilanjutkan pekan depan di gedung DPR"
    );
    assert_eq!(who(&q[0]).0, "Ahmad Fauzi");
}

#[test]
fn a_title_alone_refers_to_its_latest_holder() {
    let t = "Menteri Keuangan Sri Wahyuni dan Presiden Joko Widodo meninjau pasar. Harga beras stabil. “Kita jaga pasokan sampai Lebaran,” kata Presiden. “Anggarannya cukup,” ujar Menteri Keuangan.";
    let q = quotes(t);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(who(&q[0]), ("Joko Widodo", Via::Title));
    assert_eq!(q[0].speaker.as_ref().unwrap().mention.text, "Presiden");
    assert_eq!(q[0].role.as_deref(), Some("Presiden"));
    assert_eq!(who(&q[1]), ("Sri Wahyuni", Via::Title));
    // a title followed by a name is that name, not a reference
    let q = quotes("Presiden Joko Widodo hadir. “Siap,” kata Presiden Prabowo Subianto.");
    assert_eq!(who(&q[0]).0, "Prabowo Subianto");
}

#[test]
fn a_request_verb_at_the_very_end_is_not_a_statement() {
    // truncated scraped articles end like this; no panic, no statement
    for verb in [
        "meminta",
        "mendesak",
        "menuntut",
        "mengajak",
        "memerintahkan",
        "menginstruksikan",
        "mengimbau",
    ] {
        for t in [
            format!("Ia {verb}"),
            format!("Bupati Sleman Harda Kiswaya {verb}"),
            format!("Warga resah. Kepala desa {verb}"),
        ] {
            assert!(quotes(&t).is_empty(), "{t}");
        }
    }
    let q = quotes("Gubernur Dedi Mulyana meminta agar warga menjauhi bantaran sungai.");
    assert_eq!(q.len(), 1);
}

#[test]
fn a_name_with_a_lower_case_role_is_a_person_for_nya() {
    let t = "Tri Wulandari, dokter dari Rumah Sakit Harapan, memaparkan hasil pemeriksaan. ”Kasusnya terus naik,” ujarnya.";
    let q = quotes(t);
    let d = q
        .iter()
        .find(|q| q.kind == QuoteKind::Direct)
        .expect("direct quote");
    assert_eq!(who(d), ("Tri Wulandari", Via::Clitic));
}

fn speakers(t: &str) -> Vec<(String, Option<String>)> {
    quotes(t)
        .iter()
        .map(|q| (q.text.clone(), q.speaker.as_ref().map(|s| s.name.clone())))
        .collect()
}

/// The speaker of the statement whose text contains `part`.
fn speaker_of(t: &str, part: &str) -> Option<String> {
    let q = quotes(t);
    let q = q
        .iter()
        .find(|q| q.text.contains(part))
        .unwrap_or_else(|| panic!("no statement with {part:?}: {:?}", speakers(t)));
    q.speaker.as_ref().map(|s| s.name.clone())
}

#[test]
fn every_pattern_file_line_parses() {
    let ps = patterns().expect("lang/id/statements.tsv parses");
    assert!(ps.len() > 20);
}

#[test]
fn menurut_after_the_clause_and_in_mid_sentence() {
    let t = "Harga beras naik lagi pekan ini, menurut Siti Aminah.";
    assert_eq!(
        speaker_of(t, "Harga beras naik").as_deref(),
        Some("Siti Aminah")
    );
    let t = "Menurut Hasan Basri stok gula masih cukup sampai akhir bulan.";
    assert_eq!(speaker_of(t, "stok gula").as_deref(), Some("Hasan Basri"));
    let t = "Berdasarkan keterangan warga setempat, banjir datang tengah malam.";
    assert_eq!(
        speaker_of(t, "banjir datang").as_deref(),
        Some("warga setempat")
    );
}

#[test]
fn cues_in_the_middle_and_at_the_start_of_a_sentence() {
    let t = "Bupati Sleman Harda Kiswaya meninjau lokasi. Warga, kata Harda, nantinya akan dipindahkan ke hunian sementara.";
    assert_eq!(
        speaker_of(t, "nantinya akan").as_deref(),
        Some("Harda Kiswaya")
    );
    let t = "Kepala BMKG Dwikorita Karnawati hadir. Selain itu, lanjut Dwikorita, gempa susulan masih mungkin terjadi.";
    assert_eq!(
        speaker_of(t, "gempa susulan").as_deref(),
        Some("Dwikorita Karnawati")
    );
    let t = "Ketua RT Joko Susilo mendata warga. Kata dia, bantuan belum datang sejak kemarin.";
    assert_eq!(
        speaker_of(t, "bantuan belum").as_deref(),
        Some("Joko Susilo")
    );
    let t = "Camat Amir Hamzah menerima laporan. Dikatakannya, jembatan itu sudah lama rusak.";
    assert_eq!(
        speaker_of(t, "jembatan itu").as_deref(),
        Some("Amir Hamzah")
    );
    let t = "Jalan desa tertutup longsor sejak pagi, Amir Hamzah mengungkapkan.";
    assert_eq!(speaker_of(t, "Jalan desa").as_deref(), Some("Amir Hamzah"));
}

#[test]
fn new_cue_verbs_and_negated_cues() {
    let t = "Dirut PLN Darmawan Prasodjo berdalih gangguan itu akibat cuaca buruk.";
    assert_eq!(
        speaker_of(t, "gangguan itu").as_deref(),
        Some("Darmawan Prasodjo")
    );
    let t = "Kapolres Bogor AKBP Rudi Hartono tidak menjelaskan penyebab kebakaran itu kepada wartawan.";
    assert!(quotes(t).is_empty(), "{:?}", speakers(t));
    let t = "KPK menyayangkan, dana bantuan bencana justru dikorupsi pejabat daerah.";
    assert_eq!(speaker_of(t, "dana bantuan").as_deref(), Some("KPK"));
}

#[test]
fn the_statement_in_the_sentence_before_when_the_text_says_so() {
    let t = "Polisi menangkap dua tersangka di Medan kemarin malam. Hal itu dibenarkan Kapolda Sumut Irjen Whisnu Hermawan.";
    assert_eq!(
        speaker_of(t, "Polisi menangkap").as_deref(),
        Some("Whisnu Hermawan")
    );
    let t = "Harga cabai diperkirakan turun bulan depan. Demikian disampaikan Menteri Pertanian Andi Amran.";
    assert_eq!(speaker_of(t, "Harga cabai").as_deref(), Some("Andi Amran"));
    // a later sentence that merely names someone does not attribute
    let t =
        "Harga cabai diperkirakan turun bulan depan. Menteri Pertanian Andi Amran meninjau pasar.";
    assert!(quotes(t).is_empty(), "{:?}", speakers(t));
}

#[test]
fn appositions_adverbs_and_occasions_between_subject_and_cue() {
    let t = "Ahmad Rifai, salah satu pelaku, menyangkal kelompoknya hendak membakar kampung.";
    assert_eq!(
        speaker_of(t, "hendak membakar").as_deref(),
        Some("Ahmad Rifai")
    );
    let t = "Direktorat Reserse Narkoba Polda Sultra dalam rilisnya menyatakan, tersangka ditangkap di Kendari.";
    assert!(speaker_of(t, "tersangka ditangkap").is_some());
    let t = "Juru bicara Hamas, Hazem Qassem, dalam unggahan di Telegram mengatakan gencatan senjata masih dibahas.";
    assert_eq!(
        speaker_of(t, "gencatan senjata").as_deref(),
        Some("Hazem Qassem")
    );
}

#[test]
fn common_noun_speakers_are_descriptors() {
    let t = "Serangan itu menewaskan tujuh orang, kata seorang pejabat setempat.";
    let q = quotes(t);
    let s = q[0].speaker.as_ref().unwrap();
    assert_eq!(
        (s.name.as_str(), s.kind),
        ("seorang pejabat setempat", SpeakerKind::Descriptor)
    );
    let t = "Para pejabat memperingatkan angka korban bisa meningkat.";
    assert_eq!(
        speaker_of(t, "angka korban").as_deref(),
        Some("Para pejabat")
    );
}

#[test]
fn relay_credits_are_kept_apart_from_speakers() {
    let t =
        "Dilansir AFP, juru bicara militer Israel Daniel Hagari mengatakan operasi akan berlanjut.";
    let q = quotes(t);
    assert_eq!(q.len(), 1, "{:?}", speakers(t));
    assert_eq!(q[0].speaker.as_ref().unwrap().name, "Daniel Hagari");
    assert_eq!(q[0].relay.as_deref(), Some("AFP"));
    let t = "“Kami tidak akan mundur,” kata Ismail Haniyeh kepada Reuters.";
    assert_eq!(quotes(t)[0].relay.as_deref(), Some("Reuters"));
    let t = "Dilansir Reuters, pasukan Israel telah memasuki pusat kota Rafah.";
    assert_eq!(speaker_of(t, "pasukan Israel").as_deref(), Some("Reuters"));
}

#[test]
fn the_floor_stays_with_the_speaker_over_someone_only_mentioned() {
    let t = "Menteri Sosial Saifullah Yusuf mengatakan seleksi siswa masih berlangsung. Hasilnya akan dilaporkan kepada Presiden Prabowo Subianto. “Semuanya akan kami laporkan dahulu,” imbuhnya.";
    assert_eq!(
        speaker_of(t, "Semuanya akan").as_deref(),
        Some("Saifullah Yusuf")
    );
}

#[test]
fn a_lower_case_role_before_a_name_after_the_cue() {
    let t =
        "“Sentimen pasar hari ini positif,” kata analis Mandala Sekuritas Budi Santoso di Jakarta.";
    assert_eq!(
        speaker_of(t, "Sentimen pasar").as_deref(),
        Some("Budi Santoso")
    );
    let t = "“Kerusakan sangat parah,” kata koresponden ABS-CBN, Dennis Datu, dari Surigao.";
    assert_eq!(
        speaker_of(t, "Kerusakan sangat").as_deref(),
        Some("Dennis Datu")
    );
}

#[test]
fn an_unclosed_quotation_at_the_end_of_a_cut_text() {
    let t = "Bojan Hodak mengatakan timnya siap. “Kami sudah berlatih keras selama sepekan dan semua pemain";
    assert!(
        speakers(t)
            .iter()
            .any(|(q, s)| q.contains("sudah berlatih") && s.as_deref() == Some("Bojan Hodak")),
        "{:?}",
        speakers(t)
    );
}

#[test]
fn a_role_noun_with_its_field_before_the_name() {
    let t = "“Kami terpaksa menaikkan harga,” kata pemilik kafe Rina Wulandari.";
    assert_eq!(speaker_of(t, "terpaksa").as_deref(), Some("Rina Wulandari"));
    let t = "“Koalisi itu rapuh,” ujar dosen ilmu politik Hendra Gunawan.";
    assert_eq!(speaker_of(t, "rapuh").as_deref(), Some("Hendra Gunawan"));
    // a preposition ends the field: the place is not the speaker
    let t = "“Pasar tetap tenang,” ungkap Mahendra kepada wartawan di Gedung Bursa Efek \
             Indonesia. Ia menambahkan bahwa investor menunggu data inflasi.";
    assert_eq!(speaker_of(t, "investor").as_deref(), Some("Mahendra"));
}

#[test]
fn a_title_of_an_organisation_refers_to_its_holder_named_before() {
    let t = "Sekjen PBB Antonio Guterres tiba di Jakarta pada Minggu. Sekjen PBB pada Senin \
             meminta negara maju memenuhi janji pendanaan iklim.";
    assert_eq!(
        speaker_of(t, "negara maju").as_deref(),
        Some("Antonio Guterres")
    );
    // no holder named before: the organisation speaks
    let t = "Juru bicara PBB mengatakan bantuan pangan tiba di Gaza.";
    assert_eq!(speaker_of(t, "bantuan pangan").as_deref(), Some("PBB"));
}

#[test]
fn a_short_title_refers_to_the_holder_of_its_full_form() {
    let t = "Menteri Keuangan Sri Mulyani Indrawati hadir di DPR pada Senin. Menkeu menyebut \
             defisit anggaran masih aman tahun ini.";
    assert_eq!(
        speaker_of(t, "defisit").as_deref(),
        Some("Sri Mulyani Indrawati")
    );
    let t = "Menkes Budi Gunadi Sadikin meninjau rumah sakit. Menteri Kesehatan mengatakan stok \
             obat cukup.";
    assert_eq!(
        speaker_of(t, "stok obat").as_deref(),
        Some("Budi Gunadi Sadikin")
    );
}

#[test]
fn english_company_titles_are_roles() {
    let t = "Rudi Hartono, Corporate Secretary PT Semen Contoh Tbk mengatakan, perseroan \
             menargetkan pertumbuhan penjualan tahun ini.";
    assert_eq!(speaker_of(t, "perseroan").as_deref(), Some("Rudi Hartono"));
    let t = "“Inflasi akan turun,” kata Chief Economist Bank Contoh Dewi Lestari.";
    assert_eq!(speaker_of(t, "Inflasi").as_deref(), Some("Dewi Lestari"));
}

#[test]
fn a_conjunction_between_the_leading_clause_and_the_speaker() {
    let t = "Kepala Dinas Sosial Doni Sandito hadir di sekolah itu. Meski telah menjaring banyak \
             siswa, namun Doni mengakui pihaknya masih kekurangan guru.";
    assert_eq!(
        speaker_of(t, "kekurangan guru").as_deref(),
        Some("Doni Sandito")
    );
}

#[test]
fn a_given_name_written_short_opens_the_name() {
    let t =
        "Ketua Lembaga Tes Moh. Nasih menyebutkan tahun ini ada 137 perguruan tinggi yang ikut.";
    assert_eq!(speaker_of(t, "137").as_deref(), Some("Moh. Nasih"));
}

#[test]
fn an_apposition_ended_by_an_occasion_is_a_role_not_a_common_noun() {
    // "warga dibawa ke kantor" is what Febri said, not who Febri is
    let t = "Menurut Febri, warga dibawa ke kantor polisi setelah pemeriksaan tersebut.";
    let q = quotes(t);
    assert!(
        q.iter().any(|q| q.text.starts_with("warga dibawa")),
        "{:?}",
        speakers(t)
    );
    let t = "“Kami siaga,” kata Ali Fikri, juru bicara KPK di Jakarta.";
    let q = quotes(t);
    assert_eq!(q[0].role.as_deref(), Some("juru bicara KPK"));
}

#[test]
fn a_sentence_that_attributes_the_one_before_makes_no_statement_of_its_own() {
    let t = "Polisi memeriksa tiga keluarga pelaku bom. Hal ini diungkap Brigjen Ahmad Ramadhan, \
             pada Kamis.";
    let s = speakers(t);
    assert_eq!(s.len(), 1, "{s:?}");
    assert!(s[0].0.starts_with("Polisi memeriksa") && s[0].1.as_deref() == Some("Ahmad Ramadhan"));
    // what follows the speaker may still be a statement
    let t = "Tambang ilegal ditemukan di kawasan itu. Temuan ini diungkap oleh Satgas Penertiban \
             yang menyebut kerusakan lingkungan sangat luas.";
    assert!(
        speakers(t)
            .iter()
            .any(|(q, _)| q.starts_with("kerusakan lingkungan")),
        "{:?}",
        speakers(t)
    );
}

#[test]
fn the_floor_passes_over_lines_that_are_not_reporting() {
    let t = "\"Kami mencari informasi dari mana saja,\" ujar Perry Warjiyo.\n\nBaca: Harga Emas \
             Naik Lagi\n\nBERITA TERKAIT\n\n\"Kemampuan mencari informasi itu penting bagi kami.\"";
    assert_eq!(speaker_of(t, "Kemampuan").as_deref(), Some("Perry Warjiyo"));
}
