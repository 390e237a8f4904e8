"""Annexe A file check on a generated 100,000-row workbook, against plain openpyxl read-only
iteration of the same file: rows per CPU second and peak memory (tracemalloc), with ratios."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ANNEX_A_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_ANNEX_A_REPEAT", "2"))
NOTIFICATION = dt.date(2025, 6, 16)
SPEC_PATH = Path(__file__).resolve().parent.parent / "seeds" / "annex-a.toml"


def _baseline(path: Path) -> int:
    from openpyxl import load_workbook  # noqa: PLC0415 - after Django is set up for the benchmark

    rows = 0
    with open(path, "rb") as fh:
        workbook = load_workbook(fh, read_only=True)
        try:
            for sheet in workbook.worksheets:
                for _ in sheet.iter_rows(values_only=True):
                    rows += 1
        finally:
            workbook.close()
    return rows


def _checker(path: Path) -> int:
    from annex_a.checker import check_sources, load_spec  # noqa: PLC0415 - after Django is set up for the benchmark
    from annex_a.readers import open_upload  # noqa: PLC0415 - after Django is set up for the benchmark

    spec = load_spec(SPEC_PATH)
    with open(path, "rb") as fh, open_upload(path.name, fh) as upload:
        report = check_sources(spec, upload.sources, NOTIFICATION)
    if report.finding_count:
        raise AssertionError(f"a generated workbook should be clean: {report.all_findings()[:3]}")
    return report.rows + len(report.lists)  # header rows, to compare with the baseline's count


def _seconds(fn: Callable[[Path], int], path: Path) -> tuple[int, float]:
    # CPU time of this process: other jobs on a shared machine barely move it
    started = time.process_time()
    rows = fn(path)
    return rows, time.process_time() - started


def _peak(fn: Callable[[Path], int], path: Path) -> int:
    tracemalloc.start()
    try:
        fn(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run() -> None:
    from annex_a.checker import load_spec  # noqa: PLC0415 - after Django is set up for the benchmark
    from annex_a.sample import counts_for, write_sample_workbook  # noqa: PLC0415 - after Django is set up for the benchmark

    spec = load_spec(SPEC_PATH)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "annex-a-100k.xlsx"
        started = time.perf_counter()
        counts = counts_for(ROWS)
        write_sample_workbook(path, spec, NOTIFICATION, counts)
        print(
            f"generated {sum(counts.values()):,} rows in 11 lists "
            f"({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )
        # interleaved, best of REPEAT: a shared machine's noise hits both sides alike
        base_s = secs = float("inf")
        base_rows = rows = 0
        for _ in range(REPEAT):
            base_rows, took = _seconds(_baseline, path)
            base_s = min(base_s, took)
            rows, took = _seconds(_checker, path)
            secs = min(secs, took)
        base_peak, peak = _peak(_baseline, path), _peak(_checker, path)
        if rows != base_rows:
            raise AssertionError(f"checker saw {rows} rows, openpyxl {base_rows}")
        print(
            f"openpyxl read-only : {base_rows / base_s:>10,.0f} rows/CPU s  peak {base_peak / 1e6:6.1f} MB"
        )
        print(f"Annexe A check     : {rows / secs:>10,.0f} rows/CPU s  peak {peak / 1e6:6.1f} MB")
        print(
            f"ratio (check / openpyxl): time x{secs / base_s:.2f}, peak memory x{peak / base_peak:.2f}"
        )
