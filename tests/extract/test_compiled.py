"""The mypyc-compiled extraction modules give exactly what their Python sources give.

`pip install .` compiles `tracker/extract` (see pyproject.toml); the tests then run the
compiled modules. This test copies the package's Python sources alone to a temporary folder,
extracts the same texts there in a child process, and compares every result with the compiled
modules' in this one. In CI (`TRACKER_CI`) the modules must be compiled, so the comparison runs
against what users install; a pure-Python install has nothing to compare.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tracker
import tracker.extract

from .test_fast_paths import CORPUS, PHRASES

DATA = Path(__file__).resolve().parent.parent / "data"
COMPILED = tracker.extract.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))

# Run here and in the child: every field of the extraction of one text, as a string.
SNAPSHOT = """
from tracker.extract import extract_paper
from tracker.models import Location, PaperRecord, Provenance, SourceLink

def snapshot(texts):
    out = []
    for i, text in enumerate(texts):
        given = (SourceLink("https://github.com/given/repo", Provenance.HF_USER),) if i % 11 == 0 else ()
        record = PaperRecord(
            title="A Survey of Things" if i % 13 == 0 else f"Paper {i}",
            abstract=text,
            location=Location("texts", i + 1),
            source_kind="pdf" if i % 17 == 0 else "test",
            comment=texts[(i * 7) % len(texts)] if i % 5 == 0 else "",
            links=given,
        )
        e = extract_paper(record)
        out.append(repr((e.key, e.links, e.code, e.weights, e.data)))
    return out
"""

URLS = [
    "https://github.com/o/r", "github.com/o/r.git", "https://huggingface.co/o/m",
    "https://huggingface.co/datasets/o/d", "http://www.example.com/x", "www.foo.org",
    "https://zenodo.org/records/1", "https://bit.ly/abc", "https://x.github.io/p/",
    "\\url{https://github.com/a/b}", "[code](https://github.com/a/b)", "<https://gitlab.com/g/p>",
    "gitlab.com/a/b/-/tree/main", "https://github.com/a/b/tree/main/sub", "(https://github.com/a/b).",
    "WWW.Example.org/X", "new.", "Www.shop.io",
]  # fmt: skip


def _texts() -> list[str]:
    """Labelled abstracts, and generated ones mixing claim phrases, links, case and non-ASCII."""
    texts = list(CORPUS)
    texts += [
        json.loads(line)["abstract"]
        for line in (DATA / "heldout2-labels.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(5)
    sentences = [s for t in texts for s in t.split(". ") if s]
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 12)):
            r = rng.random()
            pool = PHRASES if r < 0.4 else URLS if r < 0.6 else sentences
            parts.append(rng.choice(pool))
        text = rng.choice([" ", ". ", ", ", "; ", "\n"]).join(parts)
        if rng.random() < 0.05:
            text = text.upper()
        if rng.random() < 0.05:
            text += " é ü 中文。"
        texts.append(text)
    return texts


def test_ci_runs_the_compiled_modules() -> None:
    if not os.environ.get("TRACKER_CI"):
        pytest.skip("outside CI the install may be pure Python (editable or without hooks)")
    assert COMPILED, f"tracker.extract is not compiled: {tracker.extract.__file__}"


def test_no_compiled_module_is_older_than_its_source() -> None:
    """A compiled module shadows its source: after editing the source, it must be rebuilt."""
    stale = [
        f"{built.name} (from {source.name})"
        for built in Path(tracker.__file__).parent.rglob("*")
        if built.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
        for source in [built.with_name(built.name.split(".", 1)[0] + ".py")]
        if source.exists() and built.stat().st_mtime < source.stat().st_mtime
    ]
    assert not stale, (
        f"compiled modules older than their sources: {', '.join(stale)}; rebuild them "
        "(pip install -e .) or delete them (find tracker -name '*.so' -delete)"
    )


def test_compiled_and_python_sources_agree(tmp_path: Path) -> None:
    if not COMPILED:
        pytest.skip("pure-Python install: nothing compiled to compare")
    package = Path(tracker.__file__).parent
    shutil.copytree(
        package, tmp_path / "tracker", ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__")
    )
    texts = _texts()
    (tmp_path / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
    child = SNAPSHOT + (
        "import json, sys, tracker.extract\n"
        "assert tracker.extract.__file__.endswith('.py'), tracker.extract.__file__\n"
        "texts = json.load(open('texts.json', encoding='utf-8'))\n"
        "json.dump(snapshot(texts), sys.stdout)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", child], cwd=tmp_path, env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    pure = json.loads(done.stdout)
    scope: dict[str, object] = {}
    exec(SNAPSHOT, scope)
    compiled = scope["snapshot"](texts)  # type: ignore[operator]
    assert len(pure) == len(compiled) == len(texts)
    differ = [i for i, (a, b) in enumerate(zip(pure, compiled, strict=True)) if a != b]
    assert not differ, f"{len(differ)} differ, first: {texts[differ[0]]!r}"
