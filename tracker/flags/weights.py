"""Whose weights does a repository point at? Evidence from its files, releases, LFS and text.

Counted as the repository's own: release assets and tree files with weight extensions (or
checkpoint archives), LFS patterns for weight files, Hub models, collections and organization
pages the README or a download script names when the Hub owner is the repository's owner or an
organization the README presents as its own (its org page or a collection), unless the line
calls it unofficial or a community port; Drive/Dropbox/Zenodo/release links in a weights context (a "Model
Zoo" table, a "Pretrained models" heading, a download script). Never counted: badges and
figures, models of well-known base-model publishers fetched as a starting point, and anything
in a reading list. The documents the README links (a `MODEL_ZOO.md`), when the check read them,
are read like the README. A Hub model of another owner that none of these rules claims is kept apart
as *unattributed*: it cannot tell "weights missing" from "weights released under another name",
so it makes the weights verdict `unknown`, never "no". The number of links never decides.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from tracker.flags.references import HubRef, checkpoint_links, hub_refs, is_download_script
from tracker.linked_docs import linked_docs
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
    ".npz",
    ".pkl",
)
ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz", ".7z", ".rar", ".tar.xz")
ARCHIVE_WORDS = ("checkpoint", "weights", "ckpt", "pretrained", "model")
NOT_WEIGHTS = frozenset({"training_args.bin", "optimizer.pt", "scheduler.pt", "rng_state.pth"})
BASE_MODEL_OWNERS = frozenset(
    {
        "meta-llama",
        "openai",
        "mistralai",
        "stabilityai",
        "runwayml",
        "compvis",
        "qwen",
        "google-bert",
        "google-t5",
        "facebook",
        "google",
        "microsoft",
        "tiiuae",
        "bigscience",
        "eleutherai",
        "huggyllama",
        "lmsys",
        "deepseek-ai",
        "black-forest-labs",
        "sentence-transformers",
        "laion",
        "timm",
        "openai-community",
        "liuhaotian",
    }
)
"""Publishers whose models papers start from: their models count only for their own repositories."""
_THIRD_PARTY = re.compile(
    r"\b(?:unofficial|community|third[- ]party|not\s+affiliated|not\s+tested\s+by\s+us"
    r"|(?:ported|converted|contributed|re-?implemented)\s+by)\b",
    re.I,
)
"""Words on the line of a reference that say the model is somebody else's."""
_WEIGHT_WORD = re.compile(
    r"(?<![a-z])(?:weights?|checkpoints?|ckpts?|pre-?trained|models?)(?![a-z])"
    r"|\.(?:pth|pt|safetensors|ckpt|gguf)\b",
    re.I,
)


_WEIGHTS_PAGE = re.compile(r"model[\s_-]?(?:zoo|hub|card)|checkpoints?|weights|pretrained", re.I)
"""A linked document named for the trained models (`MODEL_ZOO.md`, `docs/checkpoints.md`)."""


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


@dataclass(frozen=True, slots=True)
class WeightsEvidence:
    """One line per piece of evidence, strongest first, sorted by whose it is."""

    own: tuple[str, ...] = ()
    unattributed: tuple[str, ...] = ()
    """Hub models of other owners that no rule ties to this repository."""
    others: tuple[str, ...] = ()
    """Models of base-model publishers, recorded but never counted."""


_HUB_LINE = re.compile(
    r"^(?:unattributed |third-party )?Hub (model|collection|org) "
    r"huggingface\.co/(?:collections/)?([^\s]+) \("
)


def hub_ref(line: str) -> str | None:
    """`model/owner/name`, `collection/owner/slug` or `org/owner`, case kept, for a weights
    evidence line naming a Hub model, collection or organization, else None."""
    m = _HUB_LINE.match(line)
    return f"{m.group(1)}/{m.group(2)}" if m else None


def hub_ref_of_url(url: str) -> str | None:
    """`model/owner/name`, `collection/owner/slug` or `org/owner` for a Hub URL a paper links
    (`huggingface.co/owner/name`, `/collections/owner/slug`, `/owner`), else None."""
    refs = hub_refs(url, "link")
    ref = next((r for r in refs if r.kind in ("model", "collection", "org")), None)
    return f"{ref.kind}/{ref.repo_id}" if ref else None


def hub_key(line: str) -> str | None:
    """The key of the Hub's answer for what the line names (`hub_ref` lower-cased)."""
    ref = hub_ref(line)
    return ref.lower() if ref else None


def _hub_line(ref: HubRef) -> str:
    prefix = {"org": "huggingface.co/", "collection": "huggingface.co/collections/"}.get(
        ref.kind, "huggingface.co/" if ref.kind == "model" else f"huggingface.co/{ref.kind}s/"
    )
    return f"Hub {ref.kind} {prefix}{ref.repo_id} ({ref.how} in {ref.where})"


def _hub_evidence(refs: Iterable[HubRef], full_name: str) -> WeightsEvidence:
    owner = full_name.lower().partition("/")[0]
    listed = [r for r in refs if r.kind in ("model", "collection", "org")]
    own_owners = {owner} | {
        r.repo_id.split("/")[0].lower() for r in listed if r.kind in ("org", "collection")
    }
    own, unattributed, others = [], [], []
    for r in listed:
        hub_owner = r.repo_id.split("/")[0].lower()
        if _THIRD_PARTY.search(r.line):
            others.append(_hub_line(r))
        elif hub_owner in own_owners:
            own.append(_hub_line(r))
        elif hub_owner in BASE_MODEL_OWNERS:
            others.append(_hub_line(r))
        else:  # a model named after the repository may still be someone's port
            unattributed.append(_hub_line(r))
    return WeightsEvidence(tuple(own), tuple(unattributed), tuple(others))


def weights_evidence(
    *,
    full_name: str,
    readme: str,
    paths: Collection[str],
    lfs_patterns: Iterable[str],
    assets: Iterable[ReleaseAsset],
    files: Mapping[str, str],
    reading_list: bool = False,
) -> WeightsEvidence:
    """The weights evidence of one repository, judged from what its check stored."""
    if reading_list:
        return WeightsEvidence()
    own = [f"release asset {a.name}" for a in assets if is_weight_file(a.name)]
    own += [f"file {p}" for p in paths if not p.endswith("/") and is_weight_file(p)]
    own += [f"LFS pattern {p}" for p in lfs_patterns if _lfs_weight_pattern(p)]
    scripts = {p: t for p, t in files.items() if is_download_script(p, t)}
    linked = [d for d in linked_docs(readme or "", paths, full_name) if d.path in files]
    docs = {d.path: files[d.path] for d in linked if d.path not in scripts}
    zoos = {d.path for d in linked if _WEIGHTS_PAGE.search(d.path) or _WEIGHT_WORD.search(d.line)}
    texts = {"README.md": readme or ""} | docs | scripts
    refs = [ref for where, text in texts.items() for ref in hub_refs(text, where)]
    hub = _hub_evidence(refs, full_name)
    own += hub.own
    for where, text in texts.items():
        for cp in checkpoint_links(text, where, weights_page=where in zoos):
            if cp.weight_context:
                own.append(f"checkpoint link {cp.url} ({cp.host} in {where})")
    for p, text in scripts.items():
        if _WEIGHT_WORD.search(p) or _WEIGHT_WORD.search(text):
            own.append(f"download script {p}")
    return WeightsEvidence(
        tuple(dict.fromkeys(own)),
        tuple(dict.fromkeys(hub.unattributed)),
        tuple(dict.fromkeys(hub.others)),
    )
