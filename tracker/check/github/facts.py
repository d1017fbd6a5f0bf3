"""Facts derived from a repository's tree, identically for GraphQL and REST answers.

Both transports end with the whole tree: REST asks `git/trees` recursively; GraphQL reads
`TREE_DEPTH` levels in its batch query and, for a repository with folders below that depth,
asks `git/trees` for the rest (`tracker.check.github.graphql.deepen`). A folder listed with
nothing under it was not read (a depth limit or a truncated listing): it keeps a repository from
being called empty of source, since absence is only claimed when everything was seen.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from tracker.models import CheckResult, RepoFacts, RepoStatus

TREE_DEPTH = 3
"""Levels of the tree the GraphQL batch query reads: root, its folders, and theirs."""
MAX_TREE_PATHS = 100_000
"""Paths kept of one tree (GitHub's own recursive listing stops near there, `truncated`)."""

LANGUAGES: dict[str, str] = {
    ".py": "Python",
    ".pyx": "Cython",
    ".ipynb": "Jupyter Notebook",
    ".c": "C",
    ".h": "C",
    ".cc": "C++",
    ".cpp": "C++",
    ".cxx": "C++",
    ".hpp": "C++",
    ".hh": "C++",
    ".cu": "Cuda",
    ".cuh": "Cuda",
    ".js": "JavaScript",
    ".jsx": "JavaScript",
    ".ts": "TypeScript",
    ".tsx": "TypeScript",
    ".java": "Java",
    ".kt": "Kotlin",
    ".scala": "Scala",
    ".go": "Go",
    ".rs": "Rust",
    ".jl": "Julia",
    ".r": "R",
    ".m": "MATLAB",
    ".swift": "Swift",
    ".rb": "Ruby",
    ".php": "PHP",
    ".lua": "Lua",
    ".cs": "C#",
    ".hs": "Haskell",
    ".ml": "OCaml",
    ".f90": "Fortran",
    ".dart": "Dart",
    ".zig": "Zig",
    ".mojo": "Mojo",
    ".sh": "Shell",
    ".metal": "Metal",
    ".glsl": "GLSL",
    ".hlsl": "HLSL",
    ".wgsl": "WGSL",
    ".sv": "SystemVerilog",
    ".v": "Verilog",
    ".vhd": "VHDL",
    ".ex": "Elixir",
    ".clj": "Clojure",
}
NOT_SOURCE_LANGUAGES = frozenset({"Shell"})
"""Scripts that download or launch things are not the paper's code by themselves."""

VENDOR_DIRS = frozenset(
    {
        "third_party",
        "thirdparty",
        "third-party",
        "3rdparty",
        "vendor",
        "vendors",
        "external",
        "externals",
        "extern",
        "deps",
        "submodules",
        "libs",
    }
)
KNOWN_LIBRARIES = frozenset(
    {
        "detectron2",
        "mmcv",
        "mmdet",
        "mmdetection",
        "mmsegmentation",
        "transformers",
        "diffusers",
        "timm",
        "fairseq",
        "apex",
        "pytorch_lightning",
        "torchvision",
        "segment_anything",
        "clip",
        "open_clip",
        "taming",
        "stylegan2",
        "stylegan3",
        "yolov5",
        "ultralytics",
        "llava",
        "lavis",
        "peft",
        "trl",
        "accelerate",
        "deepspeed",
        "megatron",
        "nerfstudio",
        "pytorch3d",
        "kornia",
        "dinov2",
        "sam2",
        "gaussian_splatting",
        "diff_gaussian_rasterization",
        "simple_knn",
        "stable_diffusion",
        "ldm",
        "guided_diffusion",
        "k_diffusion",
        "vllm",
        "llama",
        "nanogpt",
    }
)
"""Libraries that papers commonly copy whole into their repository: not their own code."""

_DOC_DIRS = frozenset(
    {
        "docs",
        "doc",
        "assets",
        "asset",
        "images",
        "imgs",
        "img",
        "figures",
        "figs",
        "static",
        "media",
        "resources",
        ".github",
        "paper",
        "website",
        "demo_images",
        "teaser",
    }
)


def found(
    target: str,
    facts: RepoFacts,
    *,
    empty: bool,
    etag: str | None = None,
    last_modified: str | None = None,
    probe_digest: str | None = None,
) -> CheckResult:
    """The result of a repository that answered, whichever transport asked: moved when GitHub
    now names it otherwise, else ok or empty (a new case of the same name is its canonical)."""
    canonical: str | None = facts.full_name
    status, reason, http = RepoStatus.MOVED, f"now {facts.full_name}", 301
    if facts.full_name.lower() == target.lower():
        status, reason, http = RepoStatus.EMPTY if empty else RepoStatus.OK, "", 200
        canonical = facts.full_name if facts.full_name != target else None
    return CheckResult(
        target,
        status,
        reason,
        http,
        facts,
        canonical,
        etag=etag,
        last_modified=last_modified,
        probe_digest=probe_digest,
    )


def extension(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1].lower()
    return "." + name.rsplit(".", 1)[-1] if "." in name.lstrip(".") else ""


def _top(path: str) -> str:
    return path.split("/", 1)[0].lower()


def vendored_dirs(paths: Iterable[str]) -> tuple[str, ...]:
    """Top-level folders that hold someone else's code (by well-known names)."""
    tops = {_top(p) for p in paths if "/" in p}
    return tuple(sorted(t for t in tops if t in VENDOR_DIRS or t in KNOWN_LIBRARIES))


def own_files(paths: Iterable[str]) -> list[str]:
    """Files (not folders) outside vendored folders."""
    plist = list(paths)
    vendored = set(vendored_dirs(plist))
    return [p for p in plist if not p.endswith("/") and _top(p) not in vendored]


def source_files(paths: Iterable[str]) -> int:
    return sum(
        1
        for p in own_files(paths)
        if LANGUAGES.get(extension(p), "Shell") not in NOT_SOURCE_LANGUAGES
    )


def unexplored_dirs(paths: Iterable[str]) -> tuple[str, ...]:
    """Folders listed without anything listed under them: source may be there, unseen.
    Git keeps no empty folder, so in a complete listing there are none."""
    plist = list(paths)
    vendored = set(vendored_dirs(plist))
    parents = {p.rstrip("/").rsplit("/", 1)[0] + "/" for p in plist if "/" in p.rstrip("/")}
    return tuple(
        p
        for p in plist
        if p.endswith("/")
        and p not in parents
        and _top(p) not in vendored
        and _top(p) not in _DOC_DIRS
    )


def tree_paths(tree: dict[str, Any] | None) -> tuple[str, ...]:
    """Paths of a recursive `git/trees` answer, folders ending in `/` (at most
    `MAX_TREE_PATHS`; a truncated listing leaves folders without children, read as unexplored)."""
    paths = []
    for e in ((tree or {}).get("tree") or [])[:MAX_TREE_PATHS]:
        if e.get("type") not in ("tree", "blob"):
            continue  # submodules are someone else's code, not listed
        path = str(e["path"])
        paths.append(path + "/" if e.get("type") == "tree" else path)
    return tuple(sorted(paths))


def languages(paths: Iterable[str]) -> tuple[str, ...]:
    counts = Counter(LANGUAGES[e] for p in own_files(paths) if (e := extension(p)) in LANGUAGES)
    return tuple(name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


_LFS_LINE = re.compile(r"^\s*(\S+)\s+.*\bfilter=lfs\b", re.M)


def lfs_patterns(gitattributes: str | None) -> tuple[str, ...]:
    """Patterns stored in Git LFS, from `.gitattributes`."""
    return tuple(dict.fromkeys(_LFS_LINE.findall(gitattributes or "")))


EVIDENCE_FILES = (
    "setup.py",
    "setup.cfg",
    "pyproject.toml",
    "package.json",
    "Cargo.toml",
    "environment.yml",
    "LICENSE",
    "LICENSE.md",
    "LICENSE.txt",
    "Makefile",
    "download.sh",
    "download_weights.sh",
    "download_models.sh",
    "download_ckpt.sh",
    "scripts/download.sh",
    "scripts/download_weights.sh",
    "scripts/download_models.sh",
    "scripts/download_ckpt.sh",
    "scripts/download_checkpoints.sh",
    "scripts/download_pretrained.sh",
)
"""Files read beside the README for the flag run's judgement: package metadata and license
files (license claims and terms), Makefiles and download scripts (weights fetched by script).
Fixed names, so GraphQL reads them as free `object(expression:)` lookups."""
EVIDENCE_COLUMNS = ("evidence", "source_files", "lfs_patterns", "readme_size", "readme_sha")
"""What an unanswered tree, README, or evidence file leaves as stored: the evidence row and
the counts and hashes read from it (`CheckResult.unanswered`)."""
MAX_FILE_CHARS = 65536
"""A longer file is cut: the parts the judgement reads (fields, targets, URLs) come early."""


def derive(facts: RepoFacts, *, empty: bool = False) -> RepoFacts:
    """Fill the counts the tree gives (source files, languages, vendored folders). Verdicts
    (placeholder, weights, licenses) are the flag run's, from the stored evidence."""
    paths = facts.tree_paths
    return replace(
        facts,
        source_files=source_files(paths),
        languages=languages(paths),
        vendored=vendored_dirs(paths),
        empty=empty,
    )
