#!/usr/bin/env python3
"""Python jieba's tagger on the People's Daily evaluation texts, for a side-by-side score.

usage: jieba_pd.py TEXTS.jsonl PREDICTIONS.jsonl

TEXTS.jsonl comes from `zhetl eval pd CORPUS --export-texts TEXTS.jsonl`, so both systems
read exactly the same documents. Every jieba.posseg token tagged nr (person), ns (place) or
nt (organisation) is a prediction; score it with
`zhetl eval pd CORPUS --predictions PREDICTIONS.jsonl --system jieba`.
"""
import json
import sys

import jieba
import jieba.posseg as pseg

KINDS = {"nr": "person", "ns": "place", "nt": "organization"}


def main():
    src, dst = sys.argv[1], sys.argv[2]
    jieba.setLogLevel(60)
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            rec = json.loads(line)
            found = {"person": set(), "place": set(), "organization": set()}
            for w in pseg.cut(rec["text"]):
                kind = KINDS.get(w.flag)
                if kind and w.word.strip():
                    found[kind].add(w.word)
            out.write(json.dumps({"doc": rec["doc"], **{k: sorted(v) for k, v in found.items()}}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
