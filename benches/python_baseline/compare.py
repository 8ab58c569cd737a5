#!/usr/bin/env python3
"""Runs zhetl and the Python baseline on one corpus, one after the other, each on one core,
and prints both throughputs and their ratio.

Usage:
  pip install -r benches/python_baseline/requirements.txt
  cargo build --release
  python benches/python_baseline/compare.py CORPUS_DIR [--zhetl target/release/zhetl] [--lean]

zhetl runs the whole CLI (`run -j 1`, every table, Parquet written to disk); the baseline
runs in one Python process. Where `taskset` exists both are pinned to CPU 0, so that zhetl's
writer thread does not get a core of its own: the figures are per core. MB are the
corpus's raw bytes.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def corpus_bytes(root):
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(root) for n in ns if not n.startswith("."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--zhetl", default="target/release/zhetl")
    ap.add_argument("--lean", action="store_true", help="baseline without parts of speech and dates")
    a = ap.parse_args()
    mb = corpus_bytes(a.corpus) / 1e6
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    with tempfile.TemporaryDirectory() as tmp:
        t = time.time()
        subprocess.run(pin + [a.zhetl, "run", a.corpus, "-o", os.path.join(tmp, "zhetl"), "-j", "1", "--no-progress"], check=True)
        z = time.time() - t
        here = os.path.dirname(os.path.abspath(__file__))
        cmd = pin + [sys.executable, os.path.join(here, "baseline.py"), a.corpus, os.path.join(tmp, "py")]
        if a.lean:
            cmd.append("--lean")
        t = time.time()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        p = time.time() - t
    inner = json.loads(out.strip().splitlines()[-1])
    result = {
        "corpus_mb": round(mb, 2),
        "zhetl_seconds": round(z, 2),
        "zhetl_mb_per_s": round(mb / z, 3),
        "python_seconds": round(p, 2),
        "python_mb_per_s": round(mb / p, 4),
        "python_mb_per_s_without_startup": round(inner["mb_per_s"], 4),
        "ratio": round(p / z, 1),
        "baseline": "lean" if a.lean else "full",
        "pinned_to_one_core": bool(pin),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
