#!/usr/bin/env python3
"""Load zhetl's output the way an analyst would, with DuckDB and with pandas.

usage: check_output.py OUT CONTRACT_JSON

Checks: the run is committed (_manifest.json); every contract table loads in DuckDB and in
pandas with every contract column at its contract type; documents joins entities on doc_id;
quotes carry speaker_source exactly when they name a speaker; published_at reads back as
Beijing time. Prints one line per check; exits 1 on the first
failure.
"""
import json
import os
import sys

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TYPES = {
    "utf8": lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
    "uint64": pa.types.is_uint64,
    "uint32": pa.types.is_uint32,
    "uint16": pa.types.is_uint16,
    "float64": pa.types.is_float64,
    "float32": pa.types.is_float32,
    "bool": pa.types.is_boolean,
    "date32": pa.types.is_date32,
    "list<utf8>": lambda t: pa.types.is_list(t) and pa.types.is_string(t.value_type),
    "timestamp[ms, tz=Asia/Shanghai]": lambda t: pa.types.is_timestamp(t) and t.unit == "ms" and t.tz == "Asia/Shanghai",
}


def fail(msg):
    print(f"FAIL {msg}")
    sys.exit(1)


def main():
    out, contract_path = sys.argv[1], sys.argv[2]
    contract = json.load(open(contract_path))
    manifest_path = os.path.join(out, "_manifest.json")
    if not os.path.isfile(manifest_path):
        fail("no _manifest.json: output not committed")
    manifest = json.load(open(manifest_path))
    print(f"ok   manifest: {manifest['documents_written']} documents, {manifest['errors']} errors")
    con = duckdb.connect()
    for table, cols in contract.items():
        glob = os.path.join(out, table, "*.parquet")
        n = con.execute(f"select count(*) from read_parquet('{glob}')").fetchall()[0][0]
        df = pd.read_parquet(os.path.join(out, table))
        if len(df) != n:
            fail(f"{table}: DuckDB sees {n} rows, pandas {len(df)}")
        first_part = sorted(p for p in os.listdir(os.path.join(out, table)) if p.endswith(".parquet"))[0]
        schema = pq.read_schema(os.path.join(out, table, first_part))
        for col, typ in cols.items():
            if col not in schema.names:
                fail(f"{table}.{col} missing")
            if not TYPES[typ](schema.field(col).type):
                fail(f"{table}.{col} is {schema.field(col).type}, contract says {typ}")
        print(f"ok   {table}: {n} rows, {len(cols)} contract columns")
    docs = os.path.join(out, "documents", "*.parquet")
    ents = os.path.join(out, "entities", "*.parquet")
    rows = con.execute(
        f"""select d.source_path, count(*) as n, count(distinct e.kind) as kinds
            from read_parquet('{docs}') d join read_parquet('{ents}') e using (doc_id)
            group by d.source_path order by d.source_path"""
    ).fetchall()
    if len(rows) != manifest["documents_written"] or any(n == 0 for _, n, _ in rows):
        fail(f"documents join entities: {rows}")
    print(f"ok   documents join entities: {sum(n for _, n, _ in rows)} entity rows over {len(rows)} documents")
    merged = pd.read_parquet(os.path.join(out, "documents")).merge(
        pd.read_parquet(os.path.join(out, "entities")), on="doc_id", suffixes=("_doc", "_ent")
    )
    if merged.empty:
        fail("pandas merge of documents and entities is empty")
    places = merged[merged.kind == "place"].groupby("province").size()
    print(f"ok   pandas merge: {len(merged)} rows; places by province: {dict(places)}")
    quotes = os.path.join(out, "quotes", "*.parquet")
    bad = con.execute(
        f"""select count(*) from read_parquet('{quotes}')
            where (speaker is null) != (speaker_source is null)
               or speaker_source not in ('name', 'pronoun', 'context')"""
    ).fetchall()[0][0]
    if bad:
        fail(f"quotes: {bad} rows whose speaker_source is not name, pronoun or context exactly when a speaker is named")
    by_source = con.execute(f"select speaker_source, count(*) from read_parquet('{quotes}') group by 1 order by 1").fetchall()
    print(f"ok   quotes by speaker_source: {by_source}")
    ts = pq.read_table(os.path.join(out, "documents"), columns=["published_at"]).column(0)
    local = [v.as_py() for v in ts if v.is_valid]
    if local and any(t.utcoffset().total_seconds() != 8 * 3600 for t in local):
        fail(f"published_at is not read back as Beijing time: {local[:3]}")
    print(f"ok   published_at in Asia/Shanghai: {[t.isoformat() for t in local[:2]]}")
    # The README's "only the newest run" query: the parts the last run added.
    newest = con.execute(
        f"""select count(*) from read_parquet('{docs}', filename=true) d
            where parse_filename(d.filename) in
              (select unnest(added_parts.documents) from read_json_auto('{os.path.join(out, "_manifest.json")}'))"""
    ).fetchone()[0]
    if newest != manifest["documents_written"]:
        fail(f"newest-run query found {newest} documents, the manifest says {manifest['documents_written']}")
    print(f"ok   newest run: {newest} documents")


if __name__ == "__main__":
    main()
