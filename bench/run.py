"""Runs the benchmarks: every bench/bench_*.py module, or those named on the command line.

    .venv/bin/python bench/run.py [NAME ...]      (make bench BENCH_ARGS="demo")

Each module defines `run(ctx) -> list[Result]`. The runner prints a table of the figures against
their goals and writes them to var/bench/results.json. A missed goal is reported, not an error:
the exit code is non-zero only when a benchmark crashes. See bench/README.md.
"""

import argparse
import fcntl
import importlib
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import Context, Result  # noqa: E402


def available() -> list[str]:
    return sorted(path.stem for path in (ROOT / "bench").glob("bench_*.py"))


def selected(names: list[str]) -> list[str]:
    modules = available()
    if not names:
        return modules
    chosen = []
    for name in names:
        module = "bench_" + name.removesuffix(".py").removeprefix("bench_")
        if module not in modules:
            raise SystemExit(f"no benchmark {name!r}; there are: {', '.join(modules)}")
        chosen.append(module)
    return chosen


def table(results: list[Result]) -> str:
    rows = [("name", "value", "unit", "goal", "met")]
    for result in results:
        goal = f"{'≤' if result.better == 'lower' else '≥'} {result.goal:g}"
        rows.append(
            (result.name, f"{result.value:g}", result.unit, goal, "yes" if result.met else "NO")
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all), e.g. demo")
    args = parser.parse_args(argv)
    modules = selected(args.names)

    out = Path(os.environ.get("MUTUALIS_VAR_DIR") or ROOT / "var").resolve() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    # One run at a time: runs share the scratch folder, and timings taken side by side with
    # another run would measure the contention.
    lock = (out / ".lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another benchmark run is in progress: waiting for it to end", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    tmp = out / "tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    ctx = Context(root=ROOT, tmp=tmp)

    results: list[Result] = []
    crashed: list[str] = []
    for name in modules:
        print(f"{name} …", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            produced = module.run(ctx)
            if not all(isinstance(result, Result) for result in produced):
                raise TypeError(f"{name}.run() must return a list of bench.Result")
        except Exception:  # a crash is reported and the other benchmarks still run
            traceback.print_exc()
            crashed.append(name)
            continue
        results.extend(produced)
        print(f"{name} done in {time.perf_counter() - started:.1f} s", flush=True)

    (out / "results.json").write_text(
        json.dumps([result.as_json() for result in results], indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print()
    print(table(results))
    print(f"\nwritten to {out / 'results.json'}")
    if crashed:
        print(f"crashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
