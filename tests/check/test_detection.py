"""Placeholder and weights verdicts on hand-built facts, traps included."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.check.github.facts import derive, lfs_patterns, source_files, vendored_dirs
from tracker.check.github.planner import BatchSizer, Quota, choose, parse_age
from tracker.check.github.weights import readme_weight_links, weights_evidence
from tracker.models import DueRepo, ReleaseAsset, RepoFacts


def verdict(paths: tuple[str, ...], readme: str = "") -> tuple[bool, tuple[str, ...]]:
    f = derive(RepoFacts("o/r", tree_paths=paths, readme_text=readme))
    return f.placeholder, f.placeholder_reasons


def test_docs_only_repo_is_a_placeholder_with_its_promise() -> None:
    assert verdict(
        ("LICENSE", "README.md", ".gitignore", "assets/", "assets/teaser.png"),
        "Code will be released soon. Stay tuned!",
    ) == (
        True,
        (
            "no source files (only .gitignore LICENSE README.md assets/)",
            'README says "Code will be released"',
        ),
    )


def test_shipped_code_with_coming_soon_for_an_extra_part_is_not() -> None:
    paths = ("README.md", "train.py", "models/", "models/net.py")
    assert verdict(paths, "Training code below. Inference demo coming soon.") == (False, ())


def test_vendored_library_alone_is_not_the_papers_code() -> None:
    paths = (
        "README.md",
        "third_party/",
        "third_party/mmcv/",
        "third_party/mmcv/ops.py",
        "detectron2/",
        "detectron2/engine.py",
    )
    placeholder, reasons = verdict(paths)
    assert placeholder is True
    assert reasons[1] == "only third-party code: detectron2/ third_party/"
    assert source_files((*paths, "src/", "src/ours.py")) == 1
    assert vendored_dirs(paths) == ("detectron2", "third_party")


def test_unexplored_folders_are_not_taken_as_missing_source() -> None:
    paths = ("README.md", "code/", "code/a/", "code/a/b/")
    assert verdict(paths, "coming soon") == (False, ())


def test_shell_scripts_alone_are_not_source() -> None:
    assert verdict(("README.md", "download.sh"))[0] is True


def test_weight_evidence_kinds_and_traps() -> None:
    assets = (
        ReleaseAsset("model.safetensors", 1, 0),
        ReleaseAsset("paper.pdf", 1, 0),
        ReleaseAsset("checkpoints.zip", 1, 0),
        ReleaseAsset("data.zip", 1, 0),
    )
    paths = ("ckpt/", "ckpt/best.pth", "training_args.bin", "src/x.py")
    readme = (
        "[![HF](https://img.shields.io/badge/HF-model-yellow)](https://huggingface.co/org/m1)\n"
        "![badge](https://huggingface.co/datasets/huggingface/badges/raw/main/model.svg)\n"
        "Dataset: https://huggingface.co/datasets/org/data and "
        "https://drive.google.com/file/d/DATA (the dataset)\n\n" + "x" * 200 + "\n"
        "Pretrained weights: https://zenodo.org/records/123\n"
    )
    assert weights_evidence(
        assets, paths, lfs_patterns("*.ckpt filter=lfs diff=lfs\n"), readme
    ) == (
        "release asset model.safetensors",
        "release asset checkpoints.zip",
        "file ckpt/best.pth",
        "LFS pattern *.ckpt",
        "README link huggingface.co/org/m1",
        "README link zenodo.org/records/123",
    )


def test_link_farms_do_not_count() -> None:
    farm = "# Awesome diffusion\n" + "".join(
        f"- https://huggingface.co/o{i}/m{i}\n" for i in range(3)
    )
    many = "".join(f"- https://huggingface.co/o{i}/m{i}\n" for i in range(11))
    assert readme_weight_links(farm) == ()
    assert readme_weight_links(many) == ()
    assert readme_weight_links("https://huggingface.co/o/m", topics=["awesome-list"]) == ()
    assert readme_weight_links("Our model: https://huggingface.co/o/m.") == ("huggingface.co/o/m",)


NOW = dt.datetime(2025, 1, 10, tzinfo=dt.UTC)


def due(key: str, status: str, days_ago: float | None) -> DueRepo:
    when = None if days_ago is None else NOW - dt.timedelta(days=days_ago)
    return DueRepo(key, key, status, when)


def test_planner_orders_unknown_then_unchecked_then_stalest() -> None:
    repos = [
        due("a", "ok", 3),
        due("b", "ok", 0.5),
        due("c", "unknown", 0.1),
        due("d", "unchecked", None),
        due("e", "not_found", 9),
    ]
    assert [r.key for r in choose(repos, NOW, dt.timedelta(days=1), None)] == ["c", "d", "e", "a"]
    assert [r.key for r in choose(repos, NOW, None, 2)] == ["c", "d"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30m", 1800), ("12h", 43200), ("1d", 86400), ("2w", 1209600), ("3", 259200)],
)
def test_parse_age(text: str, seconds: int) -> None:
    assert parse_age(text).total_seconds() == seconds


def test_batch_sizer_grows_when_fast_and_halves_on_timeouts() -> None:
    s = BatchSizer(size=25, maximum=100)
    s.succeeded(0.5, 25)
    assert s.size == 50
    s.timed_out()
    assert s.size == 25
    s.succeeded(8.0, 25)
    assert s.size == 13


def test_quota_keeps_the_budget() -> None:
    q = Quota(budget=10, guess=5.0)
    assert (q.fits(2), q.fits(3)) == (True, False)
    q.record(5, 1, 100, None)
    assert (q.largest_fitting(4), q.exhausted(1)) == (1, False)
