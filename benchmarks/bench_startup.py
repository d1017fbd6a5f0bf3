"""Start-up time of the command line against a bare interpreter, in one run.

Usage: python benchmarks/bench_startup.py [--repeat 7]

Each command runs `--repeat` times in a fresh subprocess, as a user runs it:

* `python -c pass`: the interpreter alone, the floor every command stands on (`python_s`).
* `python -m tracker --help` (`help_s`) and `python -m tracker --version` (`version_s`).
* `python -m tracker report --db small.db` (`report_s`) on a database of the example listing
  (seven papers), ingested once before the timings.

Figures are the median and the best wall-clock time of each; the machine's load moves them, so
compare them with `python_s` of the same run. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "hf-trending.txt"


def timed(args: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    """Median and best wall-clock seconds of `args` run `repeat` times (output discarded)."""
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr.decode()}")
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "small.db"
        ingest = [py, "-m", "tracker", "ingest", str(EXAMPLE), "--db", str(db)]
        subprocess.run(ingest, cwd=work, check=True, capture_output=True)
        runs = {
            "python": [py, "-c", "pass"],
            "help": [py, "-m", "tracker", "--help"],
            "version": [py, "-m", "tracker", "--version"],
            "report": [py, "-m", "tracker", "report", "--db", str(db)],
        }
        result: dict[str, float | int] = {"repeat": args.repeat}
        for name, command in runs.items():
            median, best = timed(command, work, args.repeat)
            result[f"{name}_s"] = round(median, 3)
            result[f"{name}_best_s"] = round(best, 3)
            print(f"{' '.join(command[1:]):<40} median {median:6.3f} s   best {best:6.3f} s")
    for name in ("help", "version", "report"):
        result[f"{name}_over_python_s"] = round(
            float(result[f"{name}_s"]) - float(result["python_s"]), 3
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
