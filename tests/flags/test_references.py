"""Hub references, checkpoint links and download scripts found in stored repository text."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.flags.references import (
    CheckpointLink,
    HubRef,
    checkpoint_links,
    hub_refs,
    is_download_script,
)


def refs(text: str) -> list[tuple[str, str, str]]:
    return [(r.repo_id, r.kind, r.how) for r in hub_refs(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Weights: https://huggingface.co/Lab/Net-7B.", [("Lab/Net-7B", "model", "link")]),
        ("(hf.co/lab/net)", [("lab/net", "model", "link")]),
        ("see huggingface.co/lab/net/tree/main/sub", [("lab/net", "model", "link")]),
        ("<https://huggingface.co/lab/net/resolve/main/w.bin>", [("lab/net", "model", "link")]),
        ("https://huggingface.co/lab/net/blob/main/cfg.json!", [("lab/net", "model", "link")]),
        ("git clone https://huggingface.co/lab/net.git", [("lab/net", "model", "link")]),
        ("data: https://huggingface.co/datasets/lab/set;", [("lab/set", "dataset", "link")]),
        ("try https://huggingface.co/spaces/lab/demo?x=1", [("lab/demo", "space", "link")]),
        (
            "**https://huggingface.co/collections/lab/all-6f1**",
            [("lab/all-6f1", "collection", "link")],
        ),
        ("our org https://huggingface.co/lab-ai, thanks", [("lab-ai", "org", "link")]),
        ('<a href="https://huggingface.co/lab/net">x</a>', [("lab/net", "model", "link")]),
    ],
)
def test_hub_links(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert refs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "https://huggingface.co/docs/transformers/index",
        "https://huggingface.co/papers/2401.00001",
        "https://huggingface.co/models?search=net",
        "https://huggingface.co/blog/some-post",
        "https://huggingface.co/",
        "https://huggingface.co/datasets/only-one",
        "https://huggingface.co/your-username/my-model",
        "https://huggingface.co/<org>/<model>",
        "https://huggingface.co/YOUR_ORG/net",
        "![plot](https://huggingface.co/lab/net/resolve/main/plot.png)",
        '<img src="https://huggingface.co/lab/net/resolve/main/x.gif" width=3>',
        "https://img.shields.io/badge/x-y-z?link=https://huggingface.co/lab/net",
        "cdn-lfs.huggingface.co/lab/net and mail me at me@hf.co/x",
        "nothuggingface.co/lab/net",
    ],
)
def test_hub_links_that_name_no_repository(text: str) -> None:
    assert hub_refs(text) == ()


def test_badge_link_target_counts_but_badge_image_does_not() -> None:
    text = (
        "[![model](https://img.shields.io/badge/Hub-model-yellow)](https://huggingface.co/lab/net)\n"
        "[![](https://huggingface.co/datasets/huggingface/badges/resolve/main/a.svg)](x)\n"
    )
    assert refs(text) == [("lab/net", "model", "link")]


CODE = """\
```python
from transformers import AutoModel, AutoTokenizer, pipeline
model = AutoModel.from_pretrained("lab/net-base")
tok = AutoTokenizer.from_pretrained('lab/net-tok', trust_remote_code=True)
unet = UNet.from_pretrained(
    pretrained_model_name_or_path="lab/unet",
    subfolder="unet",
)
clf = pipeline("text-classification", model="lab/clf")
path = hf_hub_download(filename="w.safetensors", repo_id="lab/files")
path = hf_hub_download("lab/positional", "w.bin")
table = hf_hub_download(repo_id="lab/tables", filename="t.csv", repo_type="dataset")
snapshot_download("lab/snap")
snapshot_download(repo_id="lab/space-snap", repo_type="space")
ds = load_dataset("lab/corpus", split="train")
```
"""


def test_code_forms() -> None:
    assert refs(CODE) == [
        ("lab/net-base", "model", "from_pretrained"),
        ("lab/net-tok", "model", "from_pretrained"),
        ("lab/unet", "model", "from_pretrained"),
        ("lab/clf", "model", "pipeline"),
        ("lab/files", "model", "hf_hub_download"),
        ("lab/positional", "model", "hf_hub_download"),
        ("lab/tables", "dataset", "hf_hub_download"),
        ("lab/snap", "model", "snapshot_download"),
        ("lab/space-snap", "space", "snapshot_download"),
        ("lab/corpus", "dataset", "load_dataset"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "AutoModel.from_pretrained(model_name)",
        "AutoModel.from_pretrained(args.model_name_or_path)",
        'AutoModel.from_pretrained(f"{org}/net")',
        'AutoModel.from_pretrained("./ckpt")',
        'AutoModel.from_pretrained("/data/x")',
        'AutoModel.from_pretrained("path/to/model")',
        'AutoModel.from_pretrained("outputs/checkpoint-500")',
        'AutoModel.from_pretrained("lab/net.pth")',
        'AutoModel.from_pretrained("gpt2")',
        'AutoModel.from_pretrained("your-username/net")',
        'AutoModel.from_pretrained("<org>/<model>")',
        'AutoModel.from_pretrained("YOUR_NAME/net")',
        'AutoModel.from_pretrained("%s/net" % org)',
        'hf_hub_download(repo_id=REPO, filename="w.bin")',
        'pipeline("text-generation")',
        'load_dataset("json", data_files="x.json")',
        "hf download --help",
        "the hf download command",
    ],
)
def test_code_forms_that_name_no_repository(text: str) -> None:
    assert hub_refs(text) == ()


def test_cli_downloads() -> None:
    text = (
        "```bash\n"
        "huggingface-cli download lab/net --local-dir ckpt\n"
        "huggingface-cli download --repo-type dataset lab/bench\n"
        "hf download lab/other-net model.safetensors && echo done\n"
        "hf download lab/tables --repo-type=dataset\n"
        "huggingface-cli download \\\n  lab/wrapped\n"
        "```\n"
    )
    assert refs(text) == [
        ("lab/net", "model", "cli"),
        ("lab/bench", "dataset", "cli"),
        ("lab/other-net", "model", "cli"),
        ("lab/tables", "dataset", "cli"),
        ("lab/wrapped", "model", "cli"),
    ]


def test_first_occurrence_wins_per_kind_and_case_folded_id() -> None:
    text = (
        "Intro.\n"
        "  Load with AutoModel.from_pretrained('Lab/Net')  \n"
        "Or browse https://huggingface.co/lab/net and https://huggingface.co/datasets/lab/net\n"
    )
    assert hub_refs(text, where="docs/usage.md") == (
        HubRef("Lab/Net", "model", "from_pretrained", "docs/usage.md", text.split("\n")[1].strip()),
        HubRef("lab/net", "dataset", "link", "docs/usage.md", text.split("\n")[2]),
    )


def test_long_line_is_cut_around_the_reference() -> None:
    text = "x" * 1000 + " https://huggingface.co/lab/net " + "y" * 1000
    (ref,) = hub_refs(text)
    assert len(ref.line) <= 200
    assert "huggingface.co/lab/net" in ref.line


README = """\
# Net

[![DOI](https://zenodo.org/badge/DOI/10.5281/zenodo.7.svg)](https://doi.org/10.5281/zenodo.7)

## Data

The images are on https://drive.google.com/drive/folders/DATA.

## Model zoo

| Backbone | Top-1 | Download |
| -------- | :---: | -------- |
| small | 80.1 | [drive](https://drive.google.com/file/d/SMALL/view?usp=sharing) |
| large | 84.0 | [baidu](https://pan.baidu.com/s/1LARGE) (code: q1w2) |

Mirror: www.dropbox.com/s/abc/all.zip?dl=0, also 1drv.ms/u/s!Mirror.

## Results

| Split | Predictions |
|---|---|
| val | https://figshare.com/ndownloader/files/42 |

Trained model: https://github.com/lab/net/releases/download/v1.0/net.zip.
Logs: https://lab.example.org/runs/final.ckpt and https://zenodo.org/records/99
```bash
# pretrained weights
wget https://docs.google.com/uc?export=download&id=ABC
```
Docs: https://docs.google.com/document/d/notes and https://github.com/lab/net/releases/tag/v1
"""


def test_checkpoint_links_with_their_context() -> None:
    def link(url: str, host: str, line: str, weighty: bool) -> CheckpointLink:
        return CheckpointLink(url, host, "README.md", line, weighty)

    assert checkpoint_links(README) == (
        link(
            "https://doi.org/10.5281/zenodo.7",
            "zenodo",
            "[![DOI](https://zenodo.org/badge/DOI/10.5281/zenodo.7.svg)](https://doi.org/10.5281/zenodo.7)",
            False,
        ),
        link(
            "https://drive.google.com/drive/folders/DATA",
            "google_drive",
            "The images are on https://drive.google.com/drive/folders/DATA.",
            False,
        ),
        link(
            "https://drive.google.com/file/d/SMALL/view?usp=sharing",
            "google_drive",
            "| small | 80.1 | [drive](https://drive.google.com/file/d/SMALL/view?usp=sharing) |",
            True,
        ),
        link(
            "https://pan.baidu.com/s/1LARGE",
            "baidu",
            "| large | 84.0 | [baidu](https://pan.baidu.com/s/1LARGE) (code: q1w2) |",
            True,
        ),
        link(
            "https://www.dropbox.com/s/abc/all.zip?dl=0",
            "dropbox",
            "Mirror: www.dropbox.com/s/abc/all.zip?dl=0, also 1drv.ms/u/s!Mirror.",
            True,
        ),
        link(
            "https://1drv.ms/u/s!Mirror",
            "onedrive",
            "Mirror: www.dropbox.com/s/abc/all.zip?dl=0, also 1drv.ms/u/s!Mirror.",
            True,
        ),
        link(
            "https://figshare.com/ndownloader/files/42",
            "figshare",
            "| val | https://figshare.com/ndownloader/files/42 |",
            False,
        ),
        link(
            "https://github.com/lab/net/releases/download/v1.0/net.zip",
            "github_release",
            "Trained model: https://github.com/lab/net/releases/download/v1.0/net.zip.",
            True,
        ),
        link(
            "https://lab.example.org/runs/final.ckpt",
            "other",
            "Logs: https://lab.example.org/runs/final.ckpt and https://zenodo.org/records/99",
            True,
        ),
        link(
            "https://zenodo.org/records/99",
            "zenodo",
            "Logs: https://lab.example.org/runs/final.ckpt and https://zenodo.org/records/99",
            True,
        ),
        link(
            "https://docs.google.com/uc?export=download&id=ABC",
            "google_drive",
            "wget https://docs.google.com/uc?export=download&id=ABC",
            False,
        ),
    )


def test_table_header_gives_context_and_a_later_weighty_mention_wins() -> None:
    text = (
        "Files: https://drive.google.com/file/d/A\n"
        "\n"
        "| Name | Checkpoint |\n"
        "|------|------------|\n"
        "| a | https://drive.google.com/file/d/A |\n"
        "\n"
        "After the table: https://drive.google.com/file/d/B\n"
    )
    assert checkpoint_links(text) == (
        CheckpointLink(
            "https://drive.google.com/file/d/A",
            "google_drive",
            "README.md",
            "| a | https://drive.google.com/file/d/A |",
            True,
        ),
        CheckpointLink(
            "https://drive.google.com/file/d/B",
            "google_drive",
            "README.md",
            "After the table: https://drive.google.com/file/d/B",
            False,
        ),
    )


def test_headings_count_only_in_markdown_and_outside_code_fences() -> None:
    fenced = "## Checkpoints\n```sh\n# Data\n```\nhttps://pan.baidu.com/s/1x\n"
    assert [c.weight_context for c in checkpoint_links(fenced)] == [True]
    python = "# checkpoints\nURL = 'https://pan.baidu.com/s/1x'\n"
    assert [c.weight_context for c in checkpoint_links(python, "config.py")] == [False]
    setext = "Pretrained models\n-----------------\n\nhttps://1drv.ms/f/s!z\n"
    assert [c.weight_context for c in checkpoint_links(setext)] == [True]


def test_download_script_context_spans_the_file() -> None:
    script = (
        "#!/bin/sh\n"
        "mkdir -p ckpt\n"
        "wget -O ckpt/a.zip https://zenodo.org/records/5/files/a.zip?download=1\n"
    )
    assert checkpoint_links(script, "scripts/download.sh") == (
        CheckpointLink(
            "https://zenodo.org/records/5/files/a.zip?download=1",
            "zenodo",
            "scripts/download.sh",
            "wget -O ckpt/a.zip https://zenodo.org/records/5/files/a.zip?download=1",
            True,
        ),
    )
    data_only = "wget https://zenodo.org/records/5/files/images.zip\n"
    assert [c.weight_context for c in checkpoint_links(data_only, "scripts/download.sh")] == [False]


@pytest.mark.parametrize(
    "text",
    [
        "![w](https://example.org/model.pth)",
        "https://img.shields.io/badge/weights-drive-blue",
        "https://huggingface.co/lab/net/resolve/main/model.safetensors",
        "https://github.com/lab/net/releases/tag/v1 and https://github.com/lab/net",
        "https://docs.google.com/spreadsheets/d/x",
        "https://zenodo.org/communities/lab",
        "https://example.org/model.pth.html",
        "https://github.com/lab/net/actions/workflows/ci.yml/badge.svg",
    ],
)
def test_links_that_are_not_checkpoint_hosts(text: str) -> None:
    assert checkpoint_links(text) == ()


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("scripts/download_weights.sh", "", True),
        ("download.sh", "", True),
        ("tools/download-models.py", "", True),
        ("get_weights.sh", "", True),
        ("scripts/fetch_checkpoints.py", "", True),
        ("get_data.sh", "", False),
        ("download.md", "", False),
        ("Makefile", "build:\n\tgcc x.c\nweights: dirs\n\twget -q $(URL)\n", True),
        ("justfile", "download-checkpoints:\n    gdown x\n", True),
        ("Makefile", "build:\n\tgcc x.c\nCKPT := weights\n", False),
        ("Makefile", "", False),
        ("setup.sh", "pip install -e .\ncurl -L https://x/y -o y\n", True),
        ("prepare.py", "from huggingface_hub import hf_hub_download\n", False),
        ("prepare.py", 'p = hf_hub_download("lab/net", "w.bin")\n', True),
        ("prepare.py", "torch.hub.load_state_dict_from_url(URL)\n", True),
        ("run.sh", "huggingface-cli download lab/net\n", True),
        ("run.sh", "hf download lab/net\n", True),
        ("train.py", "import torch\nmodel.train()\n", False),
        ("fetch", "#!/usr/bin/env bash\nwget https://x/y\n", True),
        ("notes.txt", "wget https://x/y\n", False),
        ("", "", False),
    ],
)
def test_is_download_script(path: str, text: str, expected: bool) -> None:
    assert is_download_script(path, text) is expected


FRAGMENTS = st.sampled_from(
    [
        "https://",
        "huggingface.co/",
        "hf.co/",
        "datasets/",
        "spaces/",
        "collections/",
        "lab",
        "/",
        "net",
        "your",
        ".",
        ")",
        "(",
        "![",
        "](",
        "<img ",
        ">",
        '"',
        "'",
        "from_pretrained(",
        "pipeline(",
        "model=",
        "repo_id=",
        "hf download ",
        "huggingface-cli download ",
        "--repo-type dataset ",
        "drive.google.com/",
        "github.com/a/b/releases/download/",
        ".pth",
        "\n",
        "| ",
        "|---|\n",
        "# ",
        "```\n",
        " ",
        "weights",
    ]
)
PROSE = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), PROSE), st.text(max_size=30))
def test_never_raises_and_values_are_well_formed(text: str, where: str) -> None:
    for ref in hub_refs(text, where):
        assert ref.kind in {"model", "dataset", "space", "collection", "org"}
        assert ref.where == where and len(ref.line) <= 200
        assert ref.repo_id.count("/") == (0 if ref.kind == "org" else 1)
    for link in checkpoint_links(text, where):
        assert link.url.startswith(("http://", "https://")) and len(link.line) <= 200
    assert is_download_script(where, text) in (True, False)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_unrelated_text_does_not_change_what_a_line_refers_to(before: str, after: str) -> None:
    line = "\nweights: https://huggingface.co/lab/net-x\n"
    found = {(r.repo_id, r.kind) for r in hub_refs(before + line + after)}
    assert ("lab/net-x", "model") in found


ADVERSARIAL = [
    "![" * 1_000_000,
    "![a](" * 400_000,
    "<img " * 400_000,
    "huggingface.co/" * 140_000,
    "https://huggingface.co/a" * 90_000,
    "from_pretrained(" * 130_000,
    "from_pretrained('" + "a" * 2_000_000,
    "hf download " * 170_000,
    "https://" * 250_000,
    "a.sharepoint.com" * 120_000,
    "|" + " " * 2_000_000 + "|-x",
    "| a |\n|---|\n" * 150_000,
    "# h\n" * 500_000,
    "x" * 2_000_000,
    " " * 2_000_000,
    "weights:\n" * 200_000,
    "https://drive.google.com/" + "a" * 2_000_000,
    "github.com/" * 180_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:12]))
def test_megabytes_of_adversarial_text_finish_quickly(text: str) -> None:
    started = time.perf_counter()
    hub_refs(text)
    checkpoint_links(text)
    checkpoint_links(text, "scripts/download.sh")
    is_download_script("Makefile", text)
    is_download_script("x.sh", text)
    assert time.perf_counter() - started < 20


def test_a_link_wrapped_onto_the_line_after_its_weight_words_keeps_them() -> None:
    """Prose wrapped before its link ("fetches our pretrained weights from" / "[Drive](...)")
    or a label above it ("Pretrained weights:") still says what the link holds; a sentence that
    ended on the line before does not."""
    wrapped = (
        "The first cell fetches our pretrained weights from\n"
        "[Google Drive](https://drive.google.com/file/d/1AbC/view).\n"
    )
    label = "Pretrained weights:\nhttps://drive.google.com/file/d/2DeF/view\n"
    ended = "We also release pretrained weights.\nData: https://drive.google.com/file/d/3GhI/view\n"
    assert [c.weight_context for c in checkpoint_links(wrapped)] == [True]
    assert [c.weight_context for c in checkpoint_links(label)] == [True]
    assert [c.weight_context for c in checkpoint_links(ended)] == [False]
