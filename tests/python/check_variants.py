#!/usr/bin/env python3
"""The same articles in the ten forms of benches/gen_corpus.py give the same documents.

usage: check_variants.py OUT

OUT is zhetl's output over `gen_corpus.py variants` of some UTF-8 articles. Checks: no
input failed; each form is decoded from the encoding it was written in; the forms that
change only the bytes (a byte-order mark, CRLF, UTF-16, and GBK where the generator wrote
no ? for a character GBK lacks) give exactly the text of the plain UTF-8 form. Prints one
line per check; exits 1 on the first failure.
"""
import collections
import sys

import duckdb

ENCODINGS = {
    "utf8.txt": "UTF-8",
    "bom.txt": "UTF-8",
    "crlf.txt": "UTF-8",
    "rot1.txt": "UTF-8",
    "rot2.txt": "UTF-8",
    "gbk.txt": "GBK",
    "gbkrot.txt": "GBK",
    "u16le.txt": "UTF-16LE",
    "u16be.txt": "UTF-16BE",
}
SAME_TEXT = ["bom.txt", "crlf.txt", "u16le.txt", "u16be.txt"]


def fail(msg):
    print(f"FAIL {msg}")
    sys.exit(1)


def main():
    out = sys.argv[1]
    con = duckdb.connect()
    errors = con.sql(f"select count(*) from read_parquet('{out}/errors/*.parquet')").fetchall()[0][0]
    if errors:
        fail(f"{errors} inputs failed")
    print("ok   no input failed")
    docs = con.sql(
        f"select regexp_extract(source_path, '([0-9]+)_([a-z0-9]+\\.[a-z]+)$', 1) as article,"
        f" regexp_extract(source_path, '([0-9]+)_([a-z0-9]+\\.[a-z]+)$', 2) as form, encoding, text"
        f" from read_parquet('{out}/documents/*.parquet')"
    ).fetchall()
    by_article = collections.defaultdict(dict)
    for article, form, encoding, text in docs:
        by_article[article][form] = (encoding, text)
    if not by_article or any(len(forms) != 10 for forms in by_article.values()):
        fail(f"expected ten forms of each article, got {[len(f) for f in by_article.values()]}")
    print(f"ok   {len(by_article)} articles in ten forms each")
    for article, forms in sorted(by_article.items()):
        for form, want in ENCODINGS.items():
            got = forms[form][0]
            # GBK text may be read as its superset GB18030; both name the same bytes here.
            if got != want and not (want == "GBK" and got.lower() == "gb18030"):
                fail(f"article {article}, {form}: decoded as {got}, written as {want}")
        plain = forms["utf8.txt"][1]
        for form in SAME_TEXT:
            if forms[form][1] != plain:
                fail(f"article {article}, {form}: text differs from the UTF-8 form")
        # A character GBK lacks was written as ? (the generator's choice): the GBK form is
        # held to the UTF-8 text only where the generator wrote none.
        gbk = forms["gbk.txt"][1]
        if gbk != plain and gbk.count("?") == plain.count("?"):
            fail(f"article {article}, gbk.txt: text differs from the UTF-8 form")
    print("ok   each form decoded from its own encoding, the same text from each encoding")


if __name__ == "__main__":
    main()
