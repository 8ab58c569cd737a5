#!/usr/bin/env python3
"""Make the README's benchmark corpora from a folder of UTF-8 articles.

    python3 benches/gen_corpus.py variants SRC_DIR OUT_DIR
    python3 benches/gen_corpus.py grow SRC_DIR OUT_DIR MEGABYTES

`variants` writes each article in the ten forms a scraped dump mixes (UTF-8, UTF-8 with a
byte-order mark, CRLF line ends, an HTML page with a navigation bar and a footer, GBK, GBK
with the lines rotated, UTF-16LE and UTF-16BE with their marks, two line rotations): the
"ten-variant corpus" of the throughput figures, 32.6 MB from the 520 People's Daily
development texts (`zhetl eval pd 199801.txt --export-texts texts.jsonl`: SRC_DIR may be
that one file, or a folder of articles one per file).

`grow` repeats the articles up to a size, copy k with its lines rotated by k and a
numbered line added, so that no two files are byte-identical (each is a document of its
own) and most are near duplicates of another, as in a real dump: peak RSS on 100 MB against
1 GB shows whether memory grows with the corpus.
"""

import html
import json
import os
import sys


def articles(src):
    """(name, lines) of every UTF-8 text under `src` (a folder or one file); a .jsonl file
    gives one per record, its field `text`."""
    if os.path.isfile(src):
        found = [(os.path.dirname(src), os.path.basename(src))]
    else:
        found = []
        for d, dirs, names in os.walk(src):
            dirs.sort()  # walked in name order, so that the files are numbered the same anywhere
            found.extend((d, n) for n in sorted(names))
    for dirpath, n in found:
        raw = open(os.path.join(dirpath, n), "rb").read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue  # the forms are made from Unicode text: leave other encodings out
        if n.endswith(".jsonl"):
            # Records end at "\n" only: JSON keeps U+2028 and U+0085 raw inside strings,
            # which splitlines() would also break at.
            for i, line in enumerate(text.split("\n")):
                if line.strip():
                    yield f"{os.path.splitext(n)[0]}_{i:04d}", json.loads(line)["text"].splitlines()
        else:
            yield os.path.splitext(n)[0], text.splitlines()


def rotate(lines, k):
    k %= max(len(lines), 1)
    return lines[k:] + lines[:k]


def page(lines):
    title = html.escape(lines[0]) if lines else ""
    body = "".join(f"<p>{html.escape(l)}</p>" for l in lines)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        '<div class="nav">首页 | 新闻 | 图片 | 视频</div>'
        f'<div class="article">{body}</div>'
        '<div class="footer">版权所有 人民网</div></body></html>'
    )


def variants(lines):
    """The ten forms of one article, as (suffix, bytes)."""
    text = "\n".join(lines)
    # GBK has no no-break space: a GBK site writes a space there.
    gbk = lambda t: t.replace("\xa0", " ").encode("gbk", errors="replace")
    return [
        ("utf8.txt", text.encode("utf-8")),
        ("bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("crlf.txt", "\r\n".join(lines).encode("utf-8")),
        ("page.html", page(lines).encode("utf-8")),
        ("gbk.txt", gbk(text)),
        ("gbkrot.txt", gbk("\n".join(rotate(lines, 3)))),
        ("u16le.txt", b"\xff\xfe" + text.encode("utf-16-le")),
        ("u16be.txt", b"\xfe\xff" + text.encode("utf-16-be")),
        ("rot1.txt", "\n".join(rotate(lines, 1)).encode("utf-8")),
        ("rot2.txt", "\n".join(rotate(lines, 2)).encode("utf-8")),
    ]


def main():
    mode, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
    texts = list(articles(src))
    if not texts:
        sys.exit(f"no UTF-8 articles under {src}")
    os.makedirs(out, exist_ok=True)
    written, k = 0, 0
    if mode == "variants":
        for k, (_, lines) in enumerate(texts):
            for suffix, data in variants(lines):
                with open(os.path.join(out, f"{k:03d}_{suffix}"), "wb") as f:
                    f.write(data)
                written += len(data)
        k = len(texts) * 10
    elif mode == "grow":
        target = float(sys.argv[4]) * 1e6
        while written < target:
            _, lines = texts[k % len(texts)]
            data = "\n".join(rotate(lines, k // len(texts)) + [f"第{k}号"]).encode("utf-8")
            # One folder per 1,000 files: a flat folder of 100,000 entries slows the walk.
            sub = os.path.join(out, f"{k // 1000:04d}")
            os.makedirs(sub, exist_ok=True)
            with open(os.path.join(sub, f"{k:07d}.txt"), "wb") as f:
                f.write(data)
            written += len(data)
            k += 1
    else:
        sys.exit(f"unknown mode {mode!r}: variants or grow")
    print(f"{k} files, {written / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    main()
