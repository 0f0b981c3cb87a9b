"""Benchmark: demo workspace, ingest -> HTML (warm), and ingest -> HTML + PDF.

Run: ``.venv/bin/python bench/bench_report.py [--repeat 3]``. "Warm" means a second run in the same
process (imports, templates and fonts loaded); each run starts from an empty workspace folder.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from ivp.demo import create_workspace
from ivp.reports.veiligheidsbeeld import make_report


def one_run(formats: str) -> float:
    root = Path(tempfile.mkdtemp(prefix="ivp-bench-")) / "ws"
    try:
        start = time.perf_counter()
        demo = create_workspace(root)
        make_report(demo.workspace, formats=formats)
        return time.perf_counter() - start
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cold = one_run("html")
    html = [one_run("html") for _ in range(args.repeat)]
    pdf = [one_run("html,pdf") for _ in range(args.repeat)]
    print(f"cold  ingest->HTML      {cold:6.2f} s")
    print(f"warm  ingest->HTML      min {min(html):6.2f} s  median {sorted(html)[len(html) // 2]:6.2f} s")
    print(f"warm  ingest->HTML+PDF  min {min(pdf):6.2f} s  median {sorted(pdf)[len(pdf) // 2]:6.2f} s")


if __name__ == "__main__":
    main()
