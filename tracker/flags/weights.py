"""Does a repository publish model weights? Evidence from assets, tree, LFS and README links.

Counted: release assets with weight extensions or checkpoint/weights archives, weight files
or weight LFS patterns in the tree, README links to Hugging Face model repositories, and
Drive/Zenodo/Dropbox/OneDrive links with a weight word nearby. Not counted: badge images,
dataset links, and link farms (awesome lists), whose links are other people's models.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tracker.models import ReleaseAsset

WEIGHT_EXTENSIONS = (
    ".safetensors",
    ".bin",
    ".pt",
    ".pth",
    ".ckpt",
    ".h5",
    ".onnx",
    ".gguf",
    ".tflite",
)
ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz", ".7z", ".rar", ".tar.xz")
ARCHIVE_WORDS = ("checkpoint", "weights", "ckpt", "pretrained")
NOT_WEIGHTS = frozenset({"training_args.bin", "optimizer.pt", "scheduler.pt", "rng_state.pth"})
WEIGHT_WORDS = re.compile(
    r"\b(?:weights?|checkpoints?|ckpts?|pre-?trained|model\s+zoo|trained\s+models?)\b", re.I
)
HF_MODEL = re.compile(
    r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/"
    r"(?!(?:datasets|spaces|docs|papers|blog|models|collections|settings|join|login|tasks"
    r"|learn|pricing|organizations|posts|api)\b)([\w.-]+/[\w.-]+)",
    re.I,
)
FILE_HOST = re.compile(
    r"https?://(?:drive\.google\.com|docs\.google\.com/uc|zenodo\.org|(?:www\.)?dropbox\.com"
    r"|1drv\.ms|onedrive\.live\.com)[^\s)\]>\"']*",
    re.I,
)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img[^>]*src=[\"']([^\"']+)", re.I)
LINK_FARM_MODELS = 10
"""More distinct model links than this in one README means a list of other people's work."""
NEAR = 150


def is_weight_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    if name in NOT_WEIGHTS:
        return False
    if name.endswith(WEIGHT_EXTENSIONS):
        return True
    return name.endswith(ARCHIVES) and any(w in name for w in ARCHIVE_WORDS)


def _lfs_weight_pattern(pattern: str) -> bool:
    p = pattern.lower()
    return p.endswith(WEIGHT_EXTENSIONS) or any(w in p for w in ARCHIVE_WORDS)


def _without_images(readme: str) -> str:
    """The README with image embeds (badges, figures) blanked out, offsets kept."""
    return IMAGE.sub(lambda m: " " * len(m.group(0)), readme)


def is_link_farm(readme: str, topics: Iterable[str] = ()) -> bool:
    if any("awesome" in t.lower() for t in topics):
        return True
    first = next((ln for ln in readme.splitlines() if ln.strip()), "")
    if re.search(r"\bawesome\b", first, re.I):
        return True
    return len({m.group(1).lower() for m in HF_MODEL.finditer(readme)}) > LINK_FARM_MODELS


def readme_weight_links(readme: str, topics: Iterable[str] = ()) -> tuple[str, ...]:
    """Links in the README that point at this work's weights."""
    text = _without_images(readme or "")
    if not text.strip() or is_link_farm(text, topics):
        return ()
    found = [f"huggingface.co/{m.group(1).rstrip('.')}" for m in HF_MODEL.finditer(text)]
    for m in FILE_HOST.finditer(text):
        window = text[max(0, m.start() - NEAR) : m.end() + NEAR]
        if WEIGHT_WORDS.search(window):
            found.append(m.group(0).split("://", 1)[1])
    return tuple(dict.fromkeys(found))


def weights_evidence(
    assets: Iterable[ReleaseAsset],
    paths: Iterable[str],
    lfs_patterns: Iterable[str],
    readme: str,
    *,
    topics: Iterable[str] = (),
) -> tuple[str, ...]:
    """One line per piece of evidence, strongest first; empty when there is none."""
    out = [f"release asset {a.name}" for a in assets if is_weight_file(a.name)]
    out += [f"file {p}" for p in paths if not p.endswith("/") and is_weight_file(p)]
    out += [f"LFS pattern {p}" for p in lfs_patterns if _lfs_weight_pattern(p)]
    out += [f"README link {u}" for u in readme_weight_links(readme, topics)]
    return tuple(dict.fromkeys(out))
