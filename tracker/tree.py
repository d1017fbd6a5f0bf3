"""A repository's tree read as paths: which files are source, which folders are someone
else's code or were not read, and which languages the files are in.

Pure functions over the paths a check stored (folders end in `/`), shared by the GitHub checker,
which counts source files as a fact, and the flag run, which judges placeholders from them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

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


TRUNCATED = "(listing truncated)/"
"""A folder entry standing for the part of a tree a cut listing left out: listed with nothing
under it, it is unexplored (`unexplored_dirs`), so nothing is judged absent from a tree that
was not read whole, even when the cut fell inside a folder whose other files were listed."""


def tree_paths(tree: dict[str, Any] | None) -> tuple[str, ...]:
    """Paths of a recursive `git/trees` answer, folders ending in `/` (at most
    `MAX_TREE_PATHS`). A listing GitHub marks `truncated`, or one longer than the cap, gets
    the `TRUNCATED` entry."""
    entries = (tree or {}).get("tree") or []
    paths = []
    for e in entries[:MAX_TREE_PATHS]:
        if e.get("type") not in ("tree", "blob"):
            continue  # submodules are someone else's code, not listed
        path = str(e["path"])
        paths.append(path + "/" if e.get("type") == "tree" else path)
    if (tree or {}).get("truncated") or len(entries) > MAX_TREE_PATHS:
        paths.append(TRUNCATED)
    return tuple(sorted(paths))


def languages(paths: Iterable[str]) -> tuple[str, ...]:
    counts = Counter(LANGUAGES[e] for p in own_files(paths) if (e := extension(p)) in LANGUAGES)
    return tuple(name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
