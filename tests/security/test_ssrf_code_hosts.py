"""The code-host API client (GitLab, Gitea, Bitbucket... through `tracker.check.api`) is behind
the same address guard as web pages and shortlinks: a host only a link names that resolves into
internal space, in any address form, is refused before any connection, unless `--allow-private`.

A real GitLab emulator listens on 127.0.0.1; the link's host name resolves to it through an
injected resolver. With `allow_private` the same request reaches the emulator, so each refusal
below would fail the test if the guard stopped applying.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.check.test_github_checks import FAST
from tracker.check.api import HostClient
from tracker.check.web import Refused, WebPolicy, route, system_resolver
from tracker.emulators.gitlab import GitLabEmulator

PUBLIC = "93.184.216.34"
INTERNAL_FORMS = [
    "127.0.0.1",
    "::ffff:127.0.0.1",
    "2002:7f00:1::",
    "64:ff9b::7f00:1",
    "169.254.169.254",
    "10.0.0.7",
    "::1",
]
PROJECT = {"lab/kernels": {"id": 3, "files": {"README.md": "# Kernels\n"}}}


@pytest.fixture
def gitlab() -> Iterator[GitLabEmulator]:
    with GitLabEmulator({"projects": PROJECT}) as emu:
        yield emu


def client_for(emu: GitLabEmulator, answers: list[str], allow_private: bool) -> HostClient:
    port = emu.url.rsplit(":", 1)[1]
    web = WebPolicy(allow_private=allow_private, resolver=lambda host: answers)
    return HostClient(f"http://gitlab.evil.example:{port}/api/v4", FAST, web)


@pytest.mark.parametrize("address", INTERNAL_FORMS)
def test_a_code_host_resolving_inside_is_refused_without_allow_private(
    gitlab: GitLabEmulator, address: str
) -> None:
    client = client_for(gitlab, [address], allow_private=False)
    answer = client.get_json("/projects/lab%2Fkernels")
    client.close()
    assert answer.data is None and answer.reason.startswith("refused by the guard")
    assert f"resolves to {address}" in answer.reason
    assert gitlab.requests == []


def test_one_internal_address_among_public_ones_is_refused(gitlab: GitLabEmulator) -> None:
    client = client_for(gitlab, [PUBLIC, "127.0.0.1"], allow_private=False)
    answer = client.get_json("/projects/lab%2Fkernels")
    client.close()
    assert answer.reason.startswith("refused by the guard") and gitlab.requests == []


def test_allow_private_reaches_the_same_server(gitlab: GitLabEmulator) -> None:
    client = client_for(gitlab, ["127.0.0.1"], allow_private=True)
    answer = client.get_json("/projects/lab%2Fkernels")
    client.close()
    assert answer.ok and answer.data["path_with_namespace"] == "lab/kernels"
    assert len(gitlab.requests) == 1


@pytest.mark.parametrize(
    "host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "017700000001", "[::ffff:7f00:1]"]
)
def test_numeric_ipv4_spellings_in_a_url_are_refused(host: str) -> None:
    """Decimal, hex, octal and short forms are what the system resolver (inet_aton) makes of
    them: loopback, refused like the dotted form."""
    with pytest.raises(Refused, match="loopback"):
        route(f"http://{host}/api/v4/projects", WebPolicy(resolver=system_resolver))


def test_a_rebinding_name_is_resolved_once_per_hop_and_each_answer_is_judged() -> None:
    """The address the guard approved is the one connected to (pinned in the URL, the name
    kept for Host and SNI): a second, different answer is never used for that request, and
    a later request that gets the internal answer is refused."""
    answers = iter([[PUBLIC], ["127.0.0.1"]])
    asked: list[str] = []

    def rebinding(host: str) -> list[str]:
        asked.append(host)
        return next(answers)

    policy = WebPolicy(resolver=rebinding)
    first = route("https://gitlab.rebind.example/api/v4/projects/1", policy)
    assert first.url == f"https://{PUBLIC}:443/api/v4/projects/1"
    assert first.headers == {"Host": "gitlab.rebind.example"}
    assert asked == ["gitlab.rebind.example"]
    with pytest.raises(Refused, match=r"resolves to 127\.0\.0\.1"):
        route("https://gitlab.rebind.example/api/v4/projects/1", policy)
