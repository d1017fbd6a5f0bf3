"""Large, realistic, reproducible scenarios for benchmarks: `synthetic_scenario(10_000, seed=1)`.

The mix follows what paper code links look like in practice: most repositories hold code, a
sizeable share are "code coming soon" placeholders (some of which get code later), and a tail
is renamed, deleted, DMCA-blocked, empty, archived, unlicensed or privately re-hidden. Each repo
carries `_kind` (ignored by the emulator) so benchmarks can score a checker against the truth.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from .scenario import iso

NOW = datetime(2025, 6, 1, tzinfo=UTC)
KINDS: dict[str, float] = {
    "ok": 0.42,
    "ok_weights": 0.08,
    "placeholder": 0.12,
    "placeholder_later_code": 0.04,
    "renamed": 0.05,
    "deleted": 0.04,
    "dmca": 0.01,
    "empty": 0.04,
    "archived": 0.05,
    "no_license": 0.07,
    "noassertion": 0.03,
    "private": 0.02,
    "created_later": 0.01,
    "fork": 0.02,
}
WORDS = [
    "diffusion",
    "vision",
    "language",
    "model",
    "fast",
    "sparse",
    "graph",
    "neural",
    "token",
    "retrieval",
    "policy",
    "robust",
    "video",
    "audio",
    "speech",
    "mamba",
    "lora",
    "quant",
    "flow",
    "align",
    "reason",
    "bench",
    "prompt",
    "mixture",
    "expert",
    "segment",
    "detect",
    "depth",
    "point",
    "cloud",
    "nerf",
    "gaussian",
    "tabular",
    "causal",
    "contrast",
]
LICENSES = ["MIT", "MIT", "Apache-2.0", "Apache-2.0", "BSD-3-Clause", "GPL-3.0", "CC-BY-4.0"]
LFS_ATTRIBUTES = (
    "*.safetensors filter=lfs diff=lfs merge=lfs -text\n*.pth filter=lfs diff=lfs merge=lfs -text\n"
)


def synthetic_scenario(n_repos: int, seed: int = 0) -> dict[str, Any]:
    """A scenario dict with `n_repos` repositories; the same seed gives the same scenario."""
    rng = random.Random(seed)
    owners = [f"{rng.choice(WORDS)}-lab-{i}" for i in range(max(1, n_repos // 5))]
    kinds, weights = zip(*KINDS.items(), strict=True)
    repos = []
    for i in range(n_repos):
        kind = rng.choices(kinds, weights)[0]
        owner = owners[i % len(owners)]
        name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i}"
        repos.append(_repo(rng, kind, owner, name))
    orgs = [{"login": o, "type": "Organization", "name": o.title()} for o in owners[::3]]
    return {"now": iso(NOW), "users": orgs, "repos": repos}


def _date(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max(1, int((end - start).total_seconds()))
    return (start + timedelta(seconds=rng.randrange(span))).replace(microsecond=0)


def _code_files(rng: random.Random, weights: bool) -> dict[str, Any]:
    files: dict[str, Any] = {
        "requirements.txt": "torch>=2.1\nnumpy\n",
        "train.py": {"size": rng.randint(2_000, 20_000)},
        "src/model.py": {"size": rng.randint(3_000, 40_000)},
        "src/data.py": {"size": rng.randint(1_000, 10_000)},
        "configs/base.yaml": {"size": rng.randint(200, 2_000)},
    }
    if weights:
        files[".gitattributes"] = LFS_ATTRIBUTES
        big = rng.randint(100_000_000, 5_000_000_000)
        files["checkpoints/model.safetensors"] = (
            "version https://git-lfs.github.com/spec/v1\n"
            f"oid sha256:{rng.getrandbits(256):064x}\nsize {big}\n"
        )
    return files


def _repo(rng: random.Random, kind: str, owner: str, name: str) -> dict[str, Any]:
    created = _date(rng, datetime(2021, 1, 1, tzinfo=UTC), NOW - timedelta(days=30))
    if kind == "created_later":
        created = NOW + timedelta(days=rng.randint(5, 120))
    title = name.replace("-", " ").title()
    repo: dict[str, Any] = {
        "_kind": kind,
        "owner": owner,
        "name": name,
        "description": f"Official implementation of {title}",
        "topics": rng.sample(WORDS, 3),
        "language": "Python",
        "stars": _stars(rng, created),
        "forks": rng.randint(0, 300),
        "watchers": rng.randint(0, 60),
        "open_issues": rng.randint(0, 40),
        "created_at": iso(created),
        "license": rng.choice(LICENSES),
        "readme": f"# {title}\n\nCode for the paper.\n",
    }
    later = created + timedelta(days=rng.randint(1, 20))
    code = {"date": iso(later), "message": "Release code", "files": _code_files(rng, False)}
    first: dict[str, Any] = {"date": iso(created), "message": "Initial commit", "files": {}}
    repo["commits"] = [first, code]
    if kind == "ok_weights":
        code["files"] = _code_files(rng, True)
        repo["releases"] = [_release(rng, later)]
    elif kind in ("placeholder", "placeholder_later_code"):
        repo["readme"] = f"# {title}\n\nCode coming soon.\n"
        repo["commits"] = [first]
        if kind == "placeholder_later_code":
            code["date"] = iso(NOW + timedelta(days=rng.randint(10, 90)))
            repo["commits"].append(code)
    elif kind == "empty":
        repo["commits"] = []
        repo.pop("readme")
        repo.pop("license")
    elif kind == "no_license":
        repo.pop("license")
    elif kind == "noassertion":
        repo["license"] = "NOASSERTION"
        repo["license_text"] = "Non-commercial research use only.\n"
    elif kind == "fork":
        repo["fork"] = True
        repo["parent"] = f"upstream-org/{name}"
    event = _event(rng, kind, created, owner, name)
    if event:
        repo["events"] = [event]
    return repo


def _event(rng: random.Random, kind: str, created: datetime, owner: str, name: str):
    when = iso(_date(rng, created + timedelta(days=25), NOW))
    if kind == "renamed":
        return {"at": when, "type": "renamed", "to": f"{owner}/{name}-v2"}
    if kind in ("deleted", "dmca", "private", "archived"):
        return {"at": when, "type": kind}
    return None


def _stars(rng: random.Random, created: datetime) -> dict[str, int]:
    total = int(rng.paretovariate(1.2) * 10)
    steps = [*sorted(rng.randint(0, total) for _ in range(3)), total]
    return {iso(created + timedelta(days=30 * k)): s for k, s in enumerate(steps)}


def _release(rng: random.Random, after: datetime) -> dict[str, Any]:
    when = after + timedelta(days=rng.randint(0, 60))
    ext = rng.choice([".safetensors", ".pth"])
    return {
        "tag": "v1.0",
        "date": iso(when),
        "assets": [
            {
                "name": f"model{ext}",
                "size": rng.randint(50_000_000, 4_000_000_000),
                "download_count": {
                    iso(when): 0,
                    iso(when + timedelta(days=60)): rng.randint(1, 5000),
                },
            }
        ],
    }
