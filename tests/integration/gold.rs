//! Golden test: the seeds scored against `tests/fixtures/gold/seeds.json` with the gold's own
//! matching rules (see its `about`). Every expectation comes from the fixture; the test
//! prints the figure per category and fails below the floors of issue #2 (metadata and body
//! at least 90%, each list category at least 80%).

use std::collections::BTreeMap;

use serde_json::Value;
use zhetl::{Config, Document, EntityKind, MemorySink, Pipeline, Shard, Source};

use crate::util::{repo, seeds};

fn norm(s: &str) -> String {
    s.split_whitespace().collect()
}

#[derive(Default)]
struct Score {
    cats: BTreeMap<&'static str, (usize, usize)>,
    misses: Vec<String>,
}

impl Score {
    fn mark(&mut self, cat: &'static str, ok: bool, what: impl FnOnce() -> String) {
        let e = self.cats.entry(cat).or_default();
        e.1 += 1;
        if ok {
            e.0 += 1;
        } else {
            self.misses.push(format!("{cat}: {}", what()));
        }
    }
}

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn score_doc(s: &mut Score, g: &Value, d: &Document) {
    let file = g["file"].as_str().unwrap();
    let m = &d.meta;
    let date = m.published_date.map(|x| x.to_string());
    for (field, got) in [("title", &m.title), ("published_date", &date), ("source", &m.source), ("url", &m.url)] {
        let want = opt_str(&g[field]);
        let ok = match (&want, got) {
            (Some(w), Some(x)) => norm(w) == norm(x),
            (None, None) => true,
            (None, Some(x)) => norm(x).is_empty(),
            _ => false,
        };
        s.mark("meta", ok, || format!("{file} {field}: want {want:?} got {got:?}"));
    }
    if let Some(want) = g["subtitle"].as_str() {
        let got = m.subtitle.clone().unwrap_or_default();
        s.mark("meta", norm(want) == norm(got.trim_start_matches(['—', '-'])), || {
            format!("{file} subtitle: want {want} got {got}")
        });
    }
    if let Some(want) = g.get("published_time") {
        let got = m.published_at.map(|t| t.format("%H:%M:%S").to_string());
        s.mark("meta", got == opt_str(want), || format!("{file} time: want {want} got {got:?}"));
    }
    for (field, got) in [("authors", &m.authors), ("editors", &m.editors)] {
        let mut want: Vec<String> =
            g[field].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        want.sort();
        let mut got = got.clone();
        got.sort();
        s.mark("meta", want == got, || format!("{file} {field}: want {want:?} got {got:?}"));
    }
    let text = norm(&d.text);
    let first = norm(g["body_first_sentence"].as_str().unwrap());
    s.mark("body", text.starts_with(&first), || format!("{file} first sentence {first}"));
    let last = norm(g["body_last_sentence_ends_with"].as_str().unwrap());
    s.mark("body", text.ends_with(&last), || format!("{file} last sentence {last}"));
    for v in g["must_not_contain"].as_array().into_iter().flatten() {
        let x = norm(v.as_str().unwrap());
        s.mark("body", !text.contains(&x), || format!("{file} still contains {x}"));
    }
    for v in g["must_contain"].as_array().into_iter().flatten() {
        let x = norm(v.as_str().unwrap());
        s.mark("body", text.contains(&x), || format!("{file} lacks {x}"));
    }
    let of = |k: EntityKind| d.entities.iter().filter(move |e| e.kind == k);
    for p in g["places"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap();
        let ok = of(EntityKind::Place).any(|e| {
            (e.normalized == name || e.text == name)
                && p.get("level").is_none_or(|l| e.level == l.as_str())
                && p.get("province").is_none_or(|v| e.province.as_deref() == v.as_str())
        });
        s.mark("places", ok, || format!("{file} place {p}"));
    }
    for p in g["people"].as_array().into_iter().flatten() {
        let (name, role) = (p["name"].as_str().unwrap(), p["role"].as_str().unwrap());
        let ok = of(EntityKind::Person)
            .any(|e| (e.text == name || e.normalized == name) && e.role.as_deref().unwrap_or("").ends_with(role));
        s.mark("people", ok, || format!("{file} person {p}"));
    }
    for c in g["campaigns"].as_array().into_iter().flatten() {
        let c = c.as_str().unwrap();
        let ok = of(EntityKind::Campaign).any(|e| e.text == c || e.normalized == c);
        s.mark("campaigns", ok, || format!("{file} campaign {c}"));
    }
    for q in g["quantities"].as_array().into_iter().flatten() {
        let ok = d.quantities.iter().any(|x| {
            norm(&x.text) == norm(q["text"].as_str().unwrap())
                && (x.value - q["value"].as_f64().unwrap()).abs() <= 1e-9 * x.value.abs().max(1.0)
                && q.get("unit").is_none_or(|u| u.as_str() == Some(x.unit.as_str()))
                && q.get("qualifier").is_none_or(|u| u.as_str() == x.qualifier.as_deref())
                && q.get("object").is_none_or(|u| u.as_str() == x.object.as_deref())
        });
        s.mark("quantities", ok, || format!("{file} quantity {q}"));
    }
    for q in g["quotes"].as_array().into_iter().flatten() {
        let ok = d.quotes.iter().any(|x| {
            x.speaker.as_deref() == q["speaker"].as_str()
                && norm(&x.text)
                    .trim_start_matches(['“', '‘', '"'])
                    .starts_with(&norm(q["starts_with"].as_str().unwrap()))
        });
        s.mark("quotes", ok, || format!("{file} quote {q}"));
    }
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(repo().join("tests/fixtures/gold").join(name)).unwrap()).unwrap()
}

/// The seeds run through the pipeline, in memory.
fn seed_docs() -> Vec<Document> {
    let pipeline = Pipeline::new(&Config::default()).unwrap();
    let (_, sink) =
        pipeline.run(Source::new(&[seeds()], 1 << 26), MemorySink::default(), 2, Shard::ALL, &|_| {}).unwrap();
    sink.docs
}

#[test]
fn seeds_meet_the_gold() {
    let gold = fixture("seeds.json");
    let docs = seed_docs();
    let mut s = Score::default();
    for g in gold["documents"].as_array().unwrap() {
        let file = g["file"].as_str().unwrap();
        let found: Vec<&Document> = docs.iter().filter(|d| d.source_path.ends_with(file)).collect();
        assert_eq!(found.len(), 1, "{file} should be exactly one document");
        score_doc(&mut s, g, found[0]);
    }
    for (cat, (hit, total)) in &s.cats {
        eprintln!("{cat:<11} {hit:>3}/{total:<3} = {:.3}", *hit as f64 / *total as f64);
    }
    for m in &s.misses {
        eprintln!("  miss {m}");
    }
    for (cat, (hit, total)) in &s.cats {
        let floor = if matches!(*cat, "meta" | "body") { 0.9 } else { 0.8 };
        let r = *hit as f64 / *total as f64;
        assert!(r >= floor, "{cat}: {hit}/{total} = {r:.3} is below {floor}");
    }
}

#[test]
fn no_spurious_people_or_places_in_the_seeds() {
    // Every person or place found must be a name a reader would accept: the fixture lists
    // the ones the gold does not list but that are real (tests/fixtures/gold/seeds_extra.json).
    let extra = fixture("seeds_extra.json");
    let gold = fixture("seeds.json");
    let docs = seed_docs();
    let mut spurious = Vec::new();
    for g in gold["documents"].as_array().unwrap() {
        let file = g["file"].as_str().unwrap();
        let d = docs.iter().find(|d| d.source_path.ends_with(file)).unwrap();
        let mut allowed: Vec<String> = Vec::new();
        for key in ["places", "people"] {
            for v in g[key].as_array().into_iter().flatten() {
                allowed.push(v["name"].as_str().unwrap().to_string());
            }
        }
        for v in extra[file].as_array().into_iter().flatten() {
            allowed.push(v.as_str().unwrap().to_string());
        }
        for e in d.entities.iter().filter(|e| matches!(e.kind, EntityKind::Person | EntityKind::Place)) {
            if !allowed.iter().any(|a| *a == e.text || *a == e.normalized) {
                spurious.push(format!("{file}: {} {}", e.kind.as_str(), e.text));
            }
        }
    }
    spurious.sort();
    spurious.dedup();
    assert!(spurious.is_empty(), "spurious entities: {spurious:#?}");
}
