"""Two attacks that already fail, held here so they keep failing: an Atom listing whose entities
reach outside the file (XXE), and a code-host token reaching output, the database or another
host, for the hosts beside GitHub (GitLab, the Hugging Face Hub)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.check.test_github_checks import FAST
from tests.check.test_gitlab import PROJECTS, ingest
from tracker.config import Settings
from tracker.emulators.gitea import GiteaEmulator
from tracker.emulators.gitlab import GitLabEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.errors import InputError
from tracker.schedule import check_targets
from tracker.sources import ReadStats, read_source

GITLAB_TOKEN = "glpat-SecretTokenValue0000000000"
HF_TOKEN = "hf_SecretTokenValue00000000000000"


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE feed [<!ENTITY x SYSTEM "http://127.0.0.1:9/secret">]>',
        '<!DOCTYPE feed [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>',
    ],
)
def test_an_atom_listing_with_external_entities_is_refused(tmp_path: Path, doctype: str) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n{doctype}\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&x;</title></entry></feed>\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"xxe\.xml:\d+: refused unsafe XML"):
        list(read_source(str(path), stats=ReadStats()))


def _stored_text(db: Path) -> str:
    """Every text value of every table, joined: where a leaked token would be."""
    with sqlite3.connect(db) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"  # their shadow tables are scanned
            )
        ]
        return "\n".join(
            str(value)
            for table in tables
            for row in conn.execute(f'SELECT * FROM "{table}"')
            for value in row
            if isinstance(value, str)
        )


def test_host_tokens_stay_with_their_host_and_out_of_the_database(tmp_path: Path) -> None:
    """GitLab's and the Hub's tokens go to their own host only (not to Codeberg, not to a
    self-hosted GitLab), and no stored value or reason carries them, even when a host refuses
    one (the 401 below names the request it refused)."""
    db = tmp_path / "t.db"
    abstracts = {
        "kernels": "Our code is at https://gitlab.com/chem-ml/wl-edge-kernels.",
        "hosted": "Code: https://gitlab.lab.example.org/chem-ml/wl-edge-kernels",
        "codeberg": "Code: https://codeberg.org/lab/tool",
        "space": "Code is available at https://huggingface.co/spaces/lab/app.",
    }
    engine = ingest(f"sqlite:///{db}", abstracts)
    spaces: dict[str, Any] = {"lab/app": {"files": {"app.py": "import gradio\n"}}}
    with (
        GitLabEmulator({"projects": PROJECTS, "tokens": [GITLAB_TOKEN]}) as gitlab,
        GitLabEmulator({"projects": PROJECTS}) as hosted,
        GiteaEmulator({"repos": {"lab/tool": {"files": {"run.py": "print(1)\n"}}}}) as codeberg,
        HuggingFaceEmulator({"spaces": spaces, "tokens": [HF_TOKEN]}) as hub,
    ):
        cfg = Settings(
            allow_private=True,
            hf_token=HF_TOKEN,
            hf_endpoint=hub.url,
            host_tokens=(("gitlab.com", GITLAB_TOKEN),),
        )
        route = {
            "gitlab.com": gitlab.url,
            "gitlab.lab.example.org": hosted.url,
            "codeberg.org": codeberg.url,
        }
        done = check_targets(engine, cfg, connect_to=route, policy=FAST)
        assert done.checked == 4
        assert gitlab.requests and all(r.authorized for r in gitlab.requests)
        assert hub.requests and all(r.authorized for r in hub.requests)
        assert not any(r.authorized for r in (*hosted.requests, *codeberg.requests))
        # a refused token: the host's answer is recorded nowhere with the token in it
        bad = Settings(
            allow_private=True,
            hf_endpoint=hub.url,
            host_tokens=(("gitlab.com", GITLAB_TOKEN + "x"),),
        )
        with pytest.raises(Exception, match="GITLAB_TOKEN") as refused:
            check_targets(engine, bad, connect_to=route, policy=FAST, max_age=dt.timedelta(0))
        assert GITLAB_TOKEN not in str(refused.value)
    stored = _stored_text(db)
    assert GITLAB_TOKEN not in stored and HF_TOKEN not in stored
