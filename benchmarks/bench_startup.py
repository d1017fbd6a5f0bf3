"""Start-up time of the command line against a bare interpreter, in one run.

Usage: python benchmarks/bench_startup.py [--repeat 7] [--against OTHER_CHECKOUT]

Each command runs `--repeat` times in a fresh subprocess, as a user runs it:

* `python -c pass`: the interpreter alone, the floor every command stands on (`python_s`).
* `python -m tracker --help` (`help_s`) and `python -m tracker --version` (`version_s`).
* `python -m tracker report --db small.db` (`report_s`) on a database of the example listing
  (seven papers), ingested once before the timings.

`--against` times the same commands with another checkout of the project first on the import
path (`git worktree add /tmp/before <commit>`), each run interleaved with this checkout's so a
change in the machine's load falls on both; its figures are the `before_*` keys.

Byte code is cached, as after `pip install .` (which compiles it): each checkout gets its own
cache folder in the run's temporary directory (`PYTHONPYCACHEPREFIX`, whatever
`PYTHONDONTWRITEBYTECODE` says), filled by one untimed run of every command before the timings.

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
TARGETS = {"help": 0.3, "report": 0.6}
"""Seconds each command should take at most (median wall clock)."""


def environment(checkout: Path, pycache: Path) -> dict[str, str]:
    """The environment a command runs in: `checkout` first on the import path, its byte code
    cached in `pycache`."""
    path = os.pathsep.join(p for p in (str(checkout), os.environ.get("PYTHONPATH")) if p)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        **env,
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "PYTHONPATH": path,
        "PYTHONPYCACHEPREFIX": str(pycache),
    }


def run_once(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Wall-clock seconds of one run of `args` (output discarded; a failure stops the run)."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr.decode()}")
    return elapsed


def commands(py: str, db: Path) -> dict[str, list[str]]:
    return {
        "python": [py, "-c", "pass"],
        "help": [py, "-m", "tracker", "--help"],
        "version": [py, "-m", "tracker", "--version"],
        "report": [py, "-m", "tracker", "report", "--db", str(db)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--against", type=Path, help="another checkout to time in the same run (before_* keys)"
    )
    args = parser.parse_args()
    py = sys.executable
    checkouts = {"": ROOT}
    if args.against:
        checkouts["before_"] = args.against.resolve()
    result: dict[str, float | int] = {"repeat": args.repeat}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runs: dict[str, tuple[list[str], dict[str, str]]] = {}
        for prefix, checkout in checkouts.items():
            env = environment(checkout, work / f"{prefix}pycache")
            db = work / f"{prefix}small.db"
            ingest = [py, "-m", "tracker", "ingest", str(EXAMPLE), "--db", str(db)]
            subprocess.run(ingest, cwd=work, env=env, check=True, capture_output=True)
            for name, command in commands(py, db).items():
                if not (prefix and name == "python"):
                    runs[prefix + name] = (command, env)
        for command, env in runs.values():
            run_once(command, work, env)  # fills the byte-code cache; not timed
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeat):
            for name, (command, env) in runs.items():
                times[name].append(run_once(command, work, env))
        for name, (command, _env) in runs.items():
            median, best = statistics.median(times[name]), min(times[name])
            result[f"{name}_s"] = round(median, 3)
            result[f"{name}_best_s"] = round(best, 3)
            label = f"{'before: ' if name.startswith('before_') else ''}{' '.join(command[1:4])}"
            print(f"{label:<40} median {median:6.3f} s   best {best:6.3f} s")
    for prefix in checkouts:
        for name in ("help", "version", "report"):
            over = float(result[f"{prefix}{name}_s"]) - float(result["python_s"])
            result[f"{prefix}{name}_over_python_s"] = round(over, 3)
    for name, target in TARGETS.items():
        median = float(result[f"{name}_s"])
        verdict = "within" if median <= target else "over"
        print(f"{name}: median {median} s, {verdict} the {target} s target")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
