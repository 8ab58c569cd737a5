#!/usr/bin/env python3
"""The pipeline a Python user would otherwise write, for `compare.py` to run beside zhetl.

Same job, built from the usual libraries, as far as they go:
  decode      charset-normalizer (encoding detection), ftfy (mojibake)
  clean       OpenCC t2s (opencc-python-reimplemented), line filters for boilerplate
  segment     sentences by punctuation; jieba.posseg per sentence (words, parts of speech)
  extract     places (jieba ns + cpca for the hierarchy), people (nr), organisations (nt),
              money and dates (JioNLP), keywords (jieba.analyse TF-IDF)
  write       pyarrow: documents, sentences, tokens, entities, quantities, dates, keywords

Usage: baseline.py INPUT_DIR OUT_DIR [--lean]
--lean leaves out parts of speech and dates (the "leaner pipeline" of issue #5).
Prints one JSON line: documents, bytes, seconds, mb_per_s.
"""

import json
import os
import re
import sys
import time
import hashlib

import charset_normalizer
import ftfy
import jieba
import jieba.analyse
import jieba.posseg as pseg
import pyarrow as pa
import pyarrow.parquet as pq
from opencc import OpenCC

try:
    import cpca
except ImportError:  # cpca is optional: without it places keep no hierarchy
    cpca = None
try:
    import jionlp
except ImportError:
    jionlp = None

BOILERPLATE = re.compile(r"(版权所有|Copyright|ICP备|责任编辑|来源[:：]|分享到|上一篇|下一篇|扫一扫|相关阅读|推荐阅读)")
SENTENCE = re.compile(r"(?<=[。！？；!?])")


def files(root):
    for dirpath, _, names in os.walk(root):
        for n in sorted(names):
            if not n.startswith("."):
                yield os.path.join(dirpath, n)


def main():
    src, out = sys.argv[1], sys.argv[2]
    lean = "--lean" in sys.argv
    os.makedirs(out, exist_ok=True)
    cc = OpenCC("t2s")
    jieba.initialize()
    rows = {k: [] for k in ["documents", "sentences", "tokens", "entities", "quantities", "dates", "keywords"]}
    start = time.time()
    total = 0
    for path in sorted(files(src)):
        raw = open(path, "rb").read()
        total += len(raw)
        doc_id = hashlib.sha256(raw).hexdigest()[:32]
        best = charset_normalizer.from_bytes(raw).best()
        text = str(best) if best is not None else raw.decode("utf-8", "replace")
        text = cc.convert(ftfy.fix_text(text))
        lines = [l.strip() for l in text.splitlines() if l.strip()]
        title = lines[0] if lines else ""
        body = [l for l in lines[1:] if len(l) > 15 and not BOILERPLATE.search(l)]
        body_text = "\n".join(body)
        rows["documents"].append({"doc_id": doc_id, "source_path": path, "encoding": best.encoding if best else "utf_8", "title": title, "text": body_text})
        sentences = [s for l in body for s in SENTENCE.split(l) if s]
        places = []
        for si, s in enumerate(sentences):
            rows["sentences"].append({"doc_id": doc_id, "sentence_idx": si, "text": s})
            if lean:
                words = [(w, "") for w in jieba.cut(s)]
            else:
                words = [(p.word, p.flag) for p in pseg.cut(s)]
            for ti, (w, flag) in enumerate(words):
                rows["tokens"].append({"doc_id": doc_id, "sentence_idx": si, "token_idx": ti, "token": w, "pos": flag})
                kind = {"nr": "person", "ns": "place", "nt": "organization"}.get(flag)
                if kind:
                    rows["entities"].append({"doc_id": doc_id, "sentence_idx": si, "kind": kind, "text": w, "province": None})
                    if kind == "place":
                        places.append(len(rows["entities"]) - 1)
        if cpca is not None and places:
            df = cpca.transform([rows["entities"][i]["text"] for i in places])
            for i, prov in zip(places, df["省"].tolist()):
                rows["entities"][i]["province"] = prov if isinstance(prov, str) else None
        if jionlp is not None:
            for s in sentences:
                for m in jionlp.ner.extract_money(s, with_parsing=True):
                    rows["quantities"].append({"doc_id": doc_id, "text": m["text"], "value": str(m.get("detail", {}).get("num", "")), "unit": "元"})
                if not lean:
                    for t in jionlp.ner.extract_time(s, time_base=time.time(), with_parsing=True):
                        rows["dates"].append({"doc_id": doc_id, "text": t["text"], "type": t.get("type", "")})
        for rank, (kw, weight) in enumerate(jieba.analyse.extract_tags(body_text, topK=10, withWeight=True)):
            rows["keywords"].append({"doc_id": doc_id, "rank": rank, "keyword": kw, "weight": weight})
    for table, r in rows.items():
        if r:
            pq.write_table(pa.Table.from_pylist(r), os.path.join(out, f"{table}.parquet"), compression="zstd")
    seconds = time.time() - start
    print(json.dumps({"documents": len(rows["documents"]), "bytes": total, "seconds": seconds, "mb_per_s": total / 1e6 / seconds}))


if __name__ == "__main__":
    main()
