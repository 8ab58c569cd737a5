"""Scores zhetl's quantities, dates and quotes against a hand annotation of People's Daily texts.

usage: score_pd_sample.py ZHETL TEXTS_JSONL GOLD_JSON [--show N] [--out DIR] [--floor KIND=F1 ...]

TEXTS_JSONL is what `zhetl eval pd CORPUS --export-texts` writes (one development document
per line: {"doc": i, "text": ...}). GOLD_JSON (tests/fixtures/gold/pd_sample.json) lists, for
some of those documents, every quantity and every date a reader marked, each by its line
(one paragraph per non-empty line, 1-based) and its exact text there. The annotators read
the documents' lines as zhetl's `paragraphs` table prints them (widths and punctuation
normalised), never zhetl's extraction.

The script writes each annotated document to a file, runs `zhetl run` on them as a user
would, and reads `paragraphs`, `quantities` and `dates` with DuckDB. A gold item is found
when a row's [start, end) overlaps its span (each row matches one item at most); a row that
overlaps none is a false positive. Items on lines zhetl keeps out of `documents.text`
(title, byline, caption …) are counted apart, not scored. Quotes are scored by
`score_quotes` (the quotes table has no offsets). A quantity the annotators marked
as the indefinite article (一个重要方针, 新的一年) is neither required nor counted against a
row that finds it. Of the items found, the value (after both sides are put in one unit by
the table below) and the dates are compared.

--show N prints up to N misses, false and split rows and wrong values of each kind; --floor
quantities=0.9 makes the script fail when that kind's F1 falls below 0.9, --floor
quantities_values=0.95 when fewer of the items found have the right value (dates_values:
the right dates), --floor quotes=0.4 on the speakers' F1 (CI's regression checks). It also
fails when a quantity's or date's text is not on its line: the annotation and zhetl's
paragraphs no longer agree.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import duckdb

# unit -> (base unit, factor): both sides are compared in the base unit.
UNITS = {
    "公里": ("米", 1e3), "千米": ("米", 1e3), "厘米": ("米", 1e-2), "毫米": ("米", 1e-3),
    "平方公里": ("平方米", 1e6), "平方千米": ("平方米", 1e6), "公顷": ("平方米", 1e4),
    "公斤": ("克", 1e3), "千克": ("克", 1e3), "吨": ("克", 1e6), "斤": ("克", 500.0),
    "个月": ("月", 1.0), "个小时": ("小时", 1.0), "日": ("天", 1.0),
    "英里": ("米", 1609.344), "英尺": ("米", 0.3048), "磅": ("克", 453.59237), "摄氏度": ("℃", 1.0),
    "成": ("%", 10.0), "万元": ("元", 1e4), "亿元": ("元", 1e8), "人口": ("人", 1.0),
}


def canon(value, unit):
    # A count with no measure word (563万贫困人口): the annotators leave its unit out, zhetl
    # writes an empty one (the column is not nullable).
    if unit == "":
        unit = None
    if value is None:
        return None, unit
    base, f = UNITS.get(unit, (unit, 1.0))
    return value * f, base


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def f1(p, r):
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


NUMERALS = set("0123456789〇零一二三四五六七八九十百千万亿两点.·")


def find(text, item, start):
    """The first occurrence of an item's text from `start` that is not the tail of a longer
    number (三年 inside 一九九三年): an item begins where its number begins."""
    at = text.find(item, start)
    while at > 0 and text[at - 1] in NUMERALS and item[0] in NUMERALS:
        at = text.find(item, at + 1)
    return at


def locate(items, paras):
    """(start, end) in documents.text of each item, 'outside' for a line not kept, or None
    when its text is not on its line. An item is placed after the one before it on its line;
    failing that anywhere on the line, but never on a span another item holds."""
    cursor = {}
    taken = set()
    out = []
    for it in items:
        p = paras.get(it["line"] - 1)
        if p is None:
            out.append(None)
            continue
        text, kept, start = p
        at = find(text, it["text"], cursor.get(it["line"], 0))
        k = 0
        while at < 0 or (it["line"], at) in taken:
            at = find(text, it["text"], k)
            if at < 0 or (it["line"], at) not in taken:
                break
            k = at + 1
        if at < 0:
            at = text.find(it["text"])
        taken.add((it["line"], at))
        if at < 0:
            out.append(None)
            continue
        cursor[it["line"]] = at + len(it["text"])
        if not kept or start is None:
            out.append("outside")
            continue
        s = start + len(text[:at])
        out.append((s, s + len(it["text"])))
    return out


def match(gold_spans, rows):
    """Greedy one-to-one matching by overlap, in document order: gold index -> row index."""
    used = set()
    m = {}
    for gi, span in enumerate(gold_spans):
        if not isinstance(span, tuple):
            continue
        for ri, r in enumerate(rows):
            if ri not in used and r["start"] < span[1] and span[0] < r["end"]:
                used.add(ri)
                m[gi] = ri
                break
    return m


def score_quotes(con, out, gold, docs):
    """Quotes: the quotes table has no offsets, so a gold quote (the first 15 characters
    inside its marks) is found by a row whose text starts with them. A speaker is right when
    it is the same name; a role when one ends with the other (村党支部书记 and 书记). Rows that
    name no speaker are not scored: zhetl keeps unattributed quotations, the annotation lists
    attributed ones only."""
    t = dict(gold=0, found=0, named=0, speaker_right=0, attributed_rows=0, with_role=0, role_right=0, outside=0, misses=[])
    for g in gold:
        items = g.get("quotes", [])
        if not items:
            continue
        doc_id = docs["pd_%03d.txt" % g["doc"]]
        kept = dict(
            con.execute(f"select paragraph_idx, kept from '{out}/paragraphs/*.parquet' where doc_id = ?", [doc_id]).fetchall()
        )
        rows = con.execute(
            f"select text, speaker, speaker_role from '{out}/quotes/*.parquet' where doc_id = ? order by sentence_idx", [doc_id]
        ).fetchall()
        used = set()
        matched_rows = {}
        for it in items:
            if not kept.get(it["line"] - 1, False):
                t["outside"] += 1
                continue
            t["gold"] += 1
            if it.get("speaker"):
                t["named"] += 1
            ri = next((k for k, r in enumerate(rows) if k not in used and r[0].startswith(it["text"])), None)
            if ri is None:
                t["misses"].append(("miss", g["doc"], it["text"], f"speaker {it.get('speaker')}"))
                continue
            used.add(ri)
            matched_rows[ri] = it
            t["found"] += 1
        for ri, r in enumerate(rows):
            if r[1] is None:
                it = matched_rows.get(ri)
                if it and it.get("speaker"):
                    t["misses"].append(("no speaker", g["doc"], r[0][:15], f"gold {it['speaker']}"))
                continue
            t["attributed_rows"] += 1
            it = matched_rows.get(ri)
            if it is None or it.get("speaker") != r[1]:
                want = it.get("speaker") if it else "(no annotated quote)"
                t["misses"].append(("speaker", g["doc"], r[0][:15], f"gold {want} / zhetl {r[1]}"))
                continue
            t["speaker_right"] += 1
            if it.get("speaker_role"):
                t["with_role"] += 1
                role = r[2] or ""
                if role and (role.endswith(it["speaker_role"]) or it["speaker_role"].endswith(role)):
                    t["role_right"] += 1
                else:
                    t["misses"].append(("role", g["doc"], r[0][:15], f"gold {it['speaker_role']} / zhetl {r[2]}"))
    return t


def main():
    args = sys.argv[1:]
    show = 0
    out_dir = None
    floors = {}
    while "--floor" in args:
        i = args.index("--floor")
        kind, value = args[i + 1].split("=")
        floors[kind] = float(value)
        del args[i : i + 2]
    if "--show" in args:
        i = args.index("--show")
        show = int(args[i + 1])
        del args[i : i + 2]
    if "--out" in args:
        i = args.index("--out")
        out_dir = args[i + 1]
        del args[i : i + 2]
    zhetl, texts_path, gold_path = args
    gold = json.load(open(gold_path, encoding="utf-8"))["documents"]
    texts = {}
    with open(texts_path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            texts[d["doc"]] = d["text"]
    work = tempfile.mkdtemp(prefix="pd_sample_")
    inp = os.path.join(work, "in")
    out = out_dir or os.path.join(work, "out")
    os.makedirs(inp)
    for g in gold:
        name = "pd_%03d.txt" % g["doc"]
        with open(os.path.join(inp, name), "w", encoding="utf-8") as f:
            f.write(texts[g["doc"]])
    subprocess.run([zhetl, "run", inp, "-o", out, "--no-progress"], check=True, stdout=subprocess.DEVNULL)

    con = duckdb.connect()
    docs = {
        os.path.basename(p): i
        for p, i in con.sql(f"select source_path, doc_id from '{out}/documents/*.parquet'").fetchall()
    }

    def rows_of(table, cols, doc_id):
        q = f"select {cols} from '{out}/{table}/*.parquet' where doc_id = ? order by start, \"end\""
        names = [c.strip().strip('"') for c in cols.split(",")]
        return [dict(zip(names, r)) for r in con.execute(q, [doc_id]).fetchall()]

    tally = {
        "quantities": dict(gold=0, rows=0, found=0, tp_rows=0, article_rows=0, outside=0, unlocated=0, value_ok=0, text_ok=0),
        "dates": dict(gold=0, rows=0, found=0, tp_rows=0, article_rows=0, outside=0, unlocated=0, value_ok=0, valued=0, text_ok=0, gran_ok=0),
    }
    misses = {"quantities": [], "dates": [], "quotes": []}
    for g in gold:
        doc_id = docs["pd_%03d.txt" % g["doc"]]
        paras = {
            i: (t, k, s)
            for i, t, k, s in con.execute(
                f"select paragraph_idx, text, kept, start from '{out}/paragraphs/*.parquet' where doc_id = ?", [doc_id]
            ).fetchall()
        }
        body = con.execute(f"select text from '{out}/documents/*.parquet' where doc_id = ?", [doc_id]).fetchall()[0][0]
        for kind, cols in (
            ("quantities", 'text, value, value_max, unit, start, "end"'),
            ("dates", 'text, start_date, end_date, granularity, start, "end"'),
        ):
            if kind not in g:
                continue
            t = tally[kind]
            items = g.get(kind, [])
            spans = locate(items, paras)
            rows = rows_of(kind, cols, doc_id)
            m = match(spans, rows)
            matched_rows = set(m.values())
            for gi, (it, span) in enumerate(zip(items, spans)):
                if span is None:
                    t["unlocated"] += 1
                    continue
                if span == "outside":
                    t["outside"] += 1
                    continue
                if it.get("article"):
                    continue
                t["gold"] += 1
                if gi not in m:
                    misses[kind].append(("miss", g["doc"], it["text"], body[max(0, span[0] - 12) : span[1] + 12]))
                    continue
                t["found"] += 1
                r = rows[m[gi]]
                if r["text"] == it["text"]:
                    t["text_ok"] += 1
                if kind == "quantities":
                    gv, gu = canon(it["value"], it["unit"])
                    rv, ru = canon(r["value"], r["unit"])
                    gm, _ = canon(it.get("value_max"), it["unit"])
                    rm, _ = canon(r["value_max"], r["unit"])
                    if gu == ru and close(gv, rv) and close(gm, rm):
                        t["value_ok"] += 1
                    else:
                        misses[kind].append(("value", g["doc"], it["text"], f"gold {it['value']} {it.get('value_max')} {it['unit']} / zhetl {r['text']} {r['value']} {r['value_max']} {r['unit']}"))
                else:
                    if r["granularity"] == it["granularity"]:
                        t["gran_ok"] += 1
                    if not it.get("relative"):
                        t["valued"] += 1
                        gs, ge = it.get("start"), it.get("end")
                        rs = r["start_date"].isoformat() if r["start_date"] else None
                        re_ = r["end_date"].isoformat() if r["end_date"] else None
                        if (gs, ge) == (rs, re_):
                            t["value_ok"] += 1
                        else:
                            misses[kind].append(("value", g["doc"], it["text"], f"gold {gs}..{ge} / zhetl {r['text']} {rs}..{re_}"))
            for ri, r in enumerate(rows):
                t["rows"] += 1
                if ri in matched_rows:
                    gi = next(k for k, v in m.items() if v == ri)
                    if items[gi].get("article"):
                        t["article_rows"] += 1
                    else:
                        t["tp_rows"] += 1
                    continue
                # A row inside an article item, or overlapping an item found by another row,
                # is not held against zhetl twice: only rows overlapping no item are false.
                over = [
                    k for k, sp in enumerate(spans) if isinstance(sp, tuple) and r["start"] < sp[1] and sp[0] < r["end"]
                ]
                # A row over an item another row found is a split (1993年 and 1997年 for
                # 1993年至1997年), counted against zhetl like a false one.
                if over and all(items[k].get("article") for k in over):
                    t["article_rows"] += 1
                elif over:
                    misses[kind].append(("split", g["doc"], r["text"], body[max(0, r["start"] - 12) : r["end"] + 12]))
                else:
                    misses[kind].append(("false", g["doc"], r["text"], body[max(0, r["start"] - 12) : r["end"] + 12]))

    quotes = score_quotes(con, out, gold, docs)

    print(f"People's Daily sample: {len(gold)} documents annotated by hand ({gold_path})")
    ok = True
    checked = set()
    for kind, t in tally.items():
        if not any(kind in g for g in gold):
            continue
        scored_rows = t["rows"] - t["article_rows"]
        p = t["tp_rows"] / scored_rows if scored_rows else 0.0
        r = t["found"] / t["gold"] if t["gold"] else 0.0
        line = (
            f"{kind:<10} precision {p:.3f} ({t['tp_rows']}/{scored_rows}), recall {r:.3f} "
            f"({t['found']}/{t['gold']}), F1 {f1(p, r):.3f}; of those found, same text {t['text_ok']}"
        )
        if kind == "quantities":
            line += f", value and unit right {t['value_ok']}; rows on the article use {t['article_rows']}"
        else:
            line += f", granularity right {t['gran_ok']}, dates right {t['value_ok']} of {t['valued']} the text fixes"
        line += f"; items outside the body {t['outside']}, not located {t['unlocated']}"
        print(line)
        if t["unlocated"]:
            ok = False
        checked.add(kind)
        if f1(p, r) < floors.get(kind, 0.0):
            print(f"{kind}: F1 {f1(p, r):.3f} is below the floor {floors[kind]}")
            ok = False
        # Found is not enough: the share of found items whose value (quantities) or dates
        # (the ones the text fixes) are right has a floor of its own.
        right = t["value_ok"] / (t["found"] if kind == "quantities" else t["valued"] or 1)
        checked.add(kind + "_values")
        if right < floors.get(kind + "_values", 0.0):
            print(f"{kind}: {right:.3f} of values right is below the floor {floors[kind + '_values']}")
            ok = False
    if quotes["gold"]:
        q = quotes
        p = q["speaker_right"] / q["attributed_rows"] if q["attributed_rows"] else 0.0
        r = q["speaker_right"] / q["named"] if q["named"] else 0.0
        print(
            f"quotes     found {q['found']}/{q['gold']} (recall {q['found'] / q['gold']:.3f}); speakers: precision "
            f"{p:.3f} ({q['speaker_right']}/{q['attributed_rows']} rows naming one), recall {r:.3f} "
            f"({q['speaker_right']}/{q['named']} quotes of a named person), F1 {f1(p, r):.3f}; role right "
            f"{q['role_right']} of {q['with_role']}; outside the body {q['outside']}"
        )
        checked.add("quotes")
        if f1(p, r) < floors.get("quotes", 0.0):
            print(f"quotes: F1 {f1(p, r):.3f} is below the floor {floors['quotes']}")
            ok = False
        misses["quotes"] = q["misses"]
    for kind in misses:
        for m in misses[kind][:show]:
            print(kind, *m, sep="\t")
    # A floor the annotation has no figure for (a misspelt kind, a kind it does not hold)
    # would pass silently.
    for kind in sorted(set(floors) - checked):
        print(f"--floor {kind}: no such figure in {gold_path}")
        ok = False
    if out_dir is None:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
