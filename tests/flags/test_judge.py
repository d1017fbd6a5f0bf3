"""Judging stored repository evidence: kind, placeholder, whose weights, licenses. Traps included."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.check.evidence import lfs_patterns
from tracker.extract.licenses import restrictive_terms
from tracker.flags.judge import Judgement, judge
from tracker.flags.weights import WeightsEvidence
from tracker.models import Outcome, ReleaseAsset, RepoEvidence
from tracker.tree import source_files, vendored_dirs


def verdict(paths: tuple[str, ...], readme: str = "") -> tuple[bool, tuple[str, ...]]:
    j = judge(RepoEvidence("o/r", readme=readme, paths=paths))
    return j.placeholder, j.placeholder_reasons


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


def test_an_empty_repository_is_a_placeholder() -> None:
    j = judge(RepoEvidence("o/r", empty=True))
    assert (j.kind, j.placeholder, j.placeholder_reasons) == (
        "empty",
        True,
        ("empty repository (no commits)",),
    )


def test_weight_evidence_kinds_and_traps() -> None:
    assets = (
        ReleaseAsset("model.safetensors", 1, 0),
        ReleaseAsset("paper.pdf", 1, 0),
        ReleaseAsset("checkpoints.zip", 1, 0),
        ReleaseAsset("data.zip", 1, 0),
    )
    paths = ("ckpt/", "ckpt/best.pth", "training_args.bin", "src/x.py")
    readme = (
        "[![HF](https://img.shields.io/badge/HF-model-yellow)](https://huggingface.co/acme/m1)\n"
        "![badge](https://huggingface.co/datasets/huggingface/badges/raw/main/model.svg)\n"
        "Dataset: https://huggingface.co/datasets/org/data and "
        "https://drive.google.com/file/d/DATA (the dataset)\n\n" + "x" * 200 + "\n"
        "## Pretrained weights\n\nhttps://zenodo.org/records/123\n"
    )
    e = RepoEvidence(
        "acme/r",
        readme=readme,
        paths=paths,
        lfs_patterns=lfs_patterns("*.ckpt filter=lfs diff=lfs\n"),
        assets=assets,
    )
    assert judge(e).weights == WeightsEvidence(
        own=(
            "release asset model.safetensors",
            "release asset checkpoints.zip",
            "file ckpt/best.pth",
            "LFS pattern *.ckpt",
            "Hub model huggingface.co/acme/m1 (link in README.md)",
            "checkpoint link https://zenodo.org/records/123 (zenodo in README.md)",
        )
    )


def test_many_own_models_count_and_a_reading_list_counts_none() -> None:
    own = "# Our model family\n" + "".join(
        f"- https://huggingface.co/lab/fam-{i}b\n" for i in range(30)
    )
    j = judge(RepoEvidence("lab/fam", readme=own, paths=("README.md",)))
    assert (j.kind, j.placeholder, len(j.weights.own)) == ("model_card", False, 30)
    farm = "# Awesome diffusion\n" + "".join(
        f"- [M{i}](https://huggingface.co/o{i}/m{i})\n" for i in range(20)
    )
    j = judge(RepoEvidence("me/awesome-diffusion", readme=farm, paths=("README.md",)))
    assert (j.kind, j.placeholder, j.weights) == ("reading_list", False, WeightsEvidence())


def test_code_forms_collections_and_org_pages_name_the_owners_models() -> None:
    readme = (
        "See all sizes in https://huggingface.co/collections/acme-ai/tiny-models-123 and "
        "https://huggingface.co/acme-ai\n\n"
        "```python\n"
        'model = AutoModel.from_pretrained("acme-ai/tiny-7b")\n'
        'base = AutoModel.from_pretrained("meta-llama/Llama-2-7b-hf")\n'
        'helper = AutoModel.from_pretrained("someone-else/encoder")\n'
        "```\n"
    )
    w = judge(RepoEvidence("jdoe/tiny", readme=readme, paths=("README.md", "run.py"))).weights
    assert w.own == (
        "Hub collection huggingface.co/collections/acme-ai/tiny-models-123 (link in README.md)",
        "Hub org huggingface.co/acme-ai (link in README.md)",
        "Hub model huggingface.co/acme-ai/tiny-7b (from_pretrained in README.md)",
    )
    assert w.others == (
        "Hub model huggingface.co/meta-llama/Llama-2-7b-hf (from_pretrained in README.md)",
    )
    assert w.unattributed == (
        "Hub model huggingface.co/someone-else/encoder (from_pretrained in README.md)",
    )


def test_a_model_zoo_table_and_a_download_script_are_weights() -> None:
    zoo = (
        "## Model Zoo\n\n| model | top-1 | link |\n|---|---|---|\n"
        "| small | 80.1 | [drive](https://drive.google.com/file/d/abc/view) |\n"
    )
    assert judge(RepoEvidence("o/r", readme=zoo, paths=("README.md", "a.py"))).weights.own == (
        "checkpoint link https://drive.google.com/file/d/abc/view (google_drive in README.md)",
    )
    script = "#!/bin/bash\nwget https://example.org/release/model_final.pth -P checkpoints/\n"
    e = RepoEvidence(
        "o/r",
        paths=("README.md", "a.py", "scripts/", "scripts/download_weights.sh"),
        files={"scripts/download_weights.sh": script},
    )
    assert judge(e).weights.own == (
        "checkpoint link https://example.org/release/model_final.pth "
        "(other in scripts/download_weights.sh)",
        "download script scripts/download_weights.sh",
    )


def test_a_model_card_repository_is_not_a_placeholder() -> None:
    card = "---\nlicense: cc-by-nc-4.0\npipeline_tag: text-generation\n---\n# Tiny\n"
    j = judge(RepoEvidence("o/tiny", readme=card, paths=("README.md", "config.json")))
    assert (j.kind, j.placeholder) == ("model_card", False)
    assert j.license_claims == ("CC-BY-NC-4.0",)


def test_licenses_from_package_metadata_and_restrictive_terms() -> None:
    e = RepoEvidence(
        "o/r",
        readme="# R\n",
        paths=("README.md", "setup.py", "LICENSE", "r/", "r/a.py"),
        files={
            "setup.py": 'setup(name="r", license="Apache-2.0")\n',
            "LICENSE": "Copyright 2024. This software may be used for non-commercial research "
            "purposes only.\n",
        },
    )
    j = judge(e)
    assert isinstance(j, Judgement)
    assert j.license_claims == ("Apache-2.0",)
    assert "non-commercial" in j.license_terms


def test_a_community_port_or_a_model_of_another_owner_is_not_the_papers_release() -> None:
    readme = (
        "Pretrained models: to be released.\n"
        "A community member converted our model: https://huggingface.co/edge-ports/tracker-onnx "
        "(unofficial).\n"
        "Same name, other owner: https://huggingface.co/someone/tracker-large\n"
    )
    w = judge(RepoEvidence("lab/tracker", readme=readme, paths=("README.md", "t.py"))).weights
    assert w == WeightsEvidence(
        own=(),
        unattributed=("Hub model huggingface.co/someone/tracker-large (link in README.md)",),
        others=("Hub model huggingface.co/edge-ports/tracker-onnx (link in README.md)",),
    )


def test_a_site_repository_is_docs_not_code() -> None:
    site = ("README.md", "index.html", "static/", "static/js/", "static/js/a.js")
    assert judge(RepoEvidence("lab/lab.github.io", paths=site)).kind == "docs"
    app = ("README.md", "index.html", "app/", "app/server.py")
    assert judge(RepoEvidence("lab/app", paths=app)).kind == "code"


@given(
    readme=st.text(max_size=3000),
    paths=st.lists(st.text(max_size=60), max_size=40),
    files=st.dictionaries(
        st.sampled_from(["setup.py", "pyproject.toml", "LICENSE", "Makefile", "download.sh"]),
        st.text(max_size=2000),
    ),
)
@settings(max_examples=150, deadline=None)
def test_any_evidence_is_judged_without_raising(
    readme: str, paths: list[str], files: dict[str, str]
) -> None:
    j = judge(RepoEvidence("o/r", readme=readme, paths=tuple(paths), files=files))
    assert j.kind in ("code", "model_card", "reading_list", "docs", "empty")
    assert j.placeholder is False or j.kind in ("code", "empty")


def test_binary_and_huge_evidence_is_judged() -> None:
    binary = "\x00\x01\xff" * 100_000
    tree = tuple(f"d{i // 100}/f{i}.dat" for i in range(100_000))
    j = judge(RepoEvidence("o/r", readme=binary, paths=tree, files={"LICENSE": binary}))
    assert (j.kind, j.placeholder, j.license_terms) == ("code", True, "")


def test_a_license_file_github_cannot_identify_is_read_for_its_own_name() -> None:
    texts = {
        "Attribution-NonCommercial 4.0 International\n\nBy exercising the Licensed Rights...": (
            "CC-BY-NC-4.0"
        ),
        "                                 Apache License\n   Version 2.0, January 2004\n": (
            "Apache-2.0"
        ),
        "Copyright (c) 2024 Lab\n\nPermission is hereby granted, free of charge, to any": "MIT",
        "Redistribution and use in source and binary forms ... Neither the name of": (
            "BSD-3-Clause"
        ),
        "Our own terms: please ask before using this.": None,
    }
    got = {
        t: judge(RepoEvidence("o/r", paths=("a.py",), files={"LICENSE": t})).license_file
        for t in texts
    }
    assert got == texts


def test_license_mismatch_and_restrictions_use_the_files_own_text() -> None:
    from tests.flags.test_probes import answer, link, paper, repo

    nc = repo(license_spdx="NOASSERTION", license_file="CC-BY-NC-4.0", kind="code")
    claims_nc = answer(
        paper(link(replace(nc, license_claims=("CC-BY-NC-4.0",)))), "license_mismatch"
    )
    assert (claims_nc.outcome, claims_nc.message) == (
        Outcome.FALSE,
        "claims match the CC-BY-NC-4.0 license file",
    )
    claims_mit = answer(paper(link(replace(nc, license_claims=("MIT",)))), "license_mismatch")
    assert claims_mit.outcome is Outcome.TRUE
    restricted = answer(paper(link(nc)), "license_restrictive")
    assert (restricted.outcome, restricted.message) == (
        Outcome.TRUE,
        "licensed, restricted: CC-BY-NC-4.0",
    )


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        (
            "Weights may be used solely for non-commercial research and teaching.",
            "solely for non-commercial research",
        ),
        (
            "Commercial use of the code or any output derived from it is not permitted.",
            "Commercial use of the code or any output derived from it is not permitted",
        ),
        ("Commercial use of the code is permitted.", None),
        ("This alternative is allowed only for noncommercial distribution of the program.", None),
    ],
)
def test_restrictive_phrasings(text: str, phrase: str | None) -> None:
    assert restrictive_terms(text) == phrase


def test_a_deposit_declared_a_dataset_or_a_document_is_not_code() -> None:
    paths = ("measurements.csv", "prepare.py")
    dataset = judge(
        RepoEvidence("zenodo.org/records/1", paths=paths, topics=("resource_type:dataset",))
    )
    poster = judge(
        RepoEvidence("zenodo.org/records/2", paths=paths, topics=("resource_type:poster",))
    )
    software = judge(
        RepoEvidence("zenodo.org/records/3", paths=paths, topics=("resource_type:software",))
    )
    assert (dataset.kind, dataset.placeholder) == ("data", False)
    assert (poster.kind, software.kind) == ("docs", "code")
