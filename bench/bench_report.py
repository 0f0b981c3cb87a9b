"""Benchmark: demo workspace, ingest -> HTML (warm), and ingest -> HTML + PDF.

Run: ``.venv/bin/python bench/bench_report.py [--repeat 3]``. "Warm" means a second run in the same
process (imports, templates and fonts loaded); each run starts from an empty workspace folder. Wall time
and this process's CPU time are both printed: on a shared machine the CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from ivp.demo import create_workspace
from ivp.reports.veiligheidsbeeld import make_report


def one_run(formats: str) -> tuple[float, float]:
    """Return (wall, cpu) seconds for ingest -> report in ``formats``."""
    root = Path(tempfile.mkdtemp(prefix="ivp-bench-")) / "ws"
    try:
        start, cpu = time.perf_counter(), time.process_time()
        demo = create_workspace(root)
        make_report(demo.workspace, formats=formats)
        return time.perf_counter() - start, time.process_time() - cpu
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def _line(label: str, runs: list[tuple[float, float]]) -> str:
    wall = sorted(w for w, _c in runs)
    cpu = sorted(c for _w, c in runs)
    mid = len(runs) // 2
    return (
        f"{label}  wall min {wall[0]:6.2f} s  median {wall[mid]:6.2f} s"
        f"  | cpu min {cpu[0]:6.2f} s  median {cpu[mid]:6.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cold = one_run("html")
    html = [one_run("html") for _ in range(args.repeat)]
    pdf = [one_run("html,pdf") for _ in range(args.repeat)]
    print(f"cold  ingest->HTML      wall {cold[0]:6.2f} s  | cpu {cold[1]:6.2f} s")
    print(_line("warm  ingest->HTML    ", html))
    print(_line("warm  ingest->HTML+PDF", pdf))


if __name__ == "__main__":
    main()
