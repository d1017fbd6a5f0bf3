"""What a canonical URL points at (kind), and what its sentence says it is for (role)."""

from __future__ import annotations

import re

from tracker.extract.links import DATA_HOSTS, SHORTLINK_HOSTS, split_url
from tracker.hosts import Host, repo_host, repo_path
from tracker.models import LinkKind, Role

GITHUB_RESERVED = frozenset(
    {
        "features", "topics", "orgs", "sponsors", "marketplace", "about", "pricing", "login",
        "join", "settings", "notifications", "explore", "trending", "collections", "events",
        "site", "security", "enterprise", "customer-stories", "readme", "team", "apps",
        "search", "issues", "pulls", "new", "organizations", "codespaces", "contact", "home",
        "nonprofit", "education", "resources", "solutions", "premium-support", "signup",
        "blog", "careers", "developer", "github-copilot", "mobile", "password_reset",
        "dashboard", "account", "stars", "watching", "logout", "session", "sessions", "users",
    }
)  # fmt: skip
_HF_RESERVED = frozenset(
    {
        "papers", "docs", "blog", "collections", "api", "models", "organizations", "settings",
        "join", "login", "pricing", "learn", "tasks", "posts", "chat", "enterprise", "terms",
        "privacy", "new", "spaces", "datasets",
    }
)  # fmt: skip
_OTHER_HOSTS = (
    "arxiv.org", "doi.org", "openreview.net", "aclanthology.org", "youtube.com", "youtu.be",
    "twitter.com", "x.com", "wikipedia.org", "colab.research.google.com", "pypi.org",
    "paperswithcode.com", "raw.githubusercontent.com", "proceedings.neurips.cc", "ieee.org",
    "acm.org", "springer.com", "sciencedirect.com", "nature.com", "semanticscholar.org",
    "vimeo.com", "bilibili.com",
)  # fmt: skip
_DATA_DOI_PREFIXES = frozenset(
    {"10.5281", "10.6084", "10.5061", "10.7910", "10.17632", "10.17605", "10.34740"}
)
"""DOI prefixes of data repositories (Zenodo, figshare, Dryad, Harvard Dataverse, Mendeley
Data, OSF, Kaggle): a DOI under one of them is a deposit on a data host."""
_REPO_KINDS = {
    Host.GITHUB: LinkKind.GITHUB_REPO,
    Host.GITLAB: LinkKind.GITLAB_REPO,
    Host.GITEA: LinkKind.GITEA_REPO,
    Host.BITBUCKET: LinkKind.BITBUCKET_REPO,
}


def _segments(url: str) -> tuple[str, list[str]]:
    try:
        _, netloc, path, _, _ = split_url(url)
    except ValueError:
        return "", []
    return netloc.lower(), [s for s in path.split("/") if s]


def _under(host: str, domains: frozenset[str] | tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def repo_of(url: str) -> tuple[str | None, str]:
    """`(owner/name, subpath)` for repository URLs on code hosts, else `(None, "")`."""
    return _repo(*_segments(url))


def classify(url: str) -> LinkKind:
    """The kind of a canonical URL, from its host and path alone."""
    return _kind(*_segments(url))


def describe(url: str) -> tuple[LinkKind, str | None, str]:
    """`classify` and `repo_of` together, parsing the URL once."""
    host, segs = _segments(url)
    return (_kind(host, segs), *_repo(host, segs))


def _repo(host: str, segs: list[str]) -> tuple[str | None, str]:
    if repo_host(host) is None or len(segs) < 2:
        return None, ""
    if host == "github.com" and segs[0].lower() in GITHUB_RESERVED:
        return None, ""
    return repo_path(host, segs)


def _kind(host: str, segs: list[str]) -> LinkKind:
    if host == "gist.github.com":
        return LinkKind.GITHUB_GIST
    if host == "github.com":
        if not segs or segs[0].lower() in GITHUB_RESERVED:
            return LinkKind.OTHER
        return LinkKind.GITHUB_REPO if len(segs) >= 2 else LinkKind.GITHUB_OWNER
    if host.endswith(".github.io"):
        return LinkKind.GITHUB_PAGES
    code_host = repo_host(host)
    if code_host is not None:
        return _REPO_KINDS[code_host] if repo_path(host, segs)[0] else LinkKind.OTHER
    if host in ("huggingface.co", "hf.co"):
        return _hf_kind(segs)
    bare = host.removeprefix("www.")
    if bare in ("doi.org", "dx.doi.org") and segs and segs[0] in _DATA_DOI_PREFIXES:
        return LinkKind.DATA_HOST
    if bare in SHORTLINK_HOSTS:
        return LinkKind.SHORTLINK
    if _under(bare, DATA_HOSTS):
        return LinkKind.DATA_HOST
    if _under(bare, _OTHER_HOSTS):
        return LinkKind.OTHER
    return LinkKind.PROJECT_PAGE


def _hf_kind(segs: list[str]) -> LinkKind:
    if len(segs) >= 3 and segs[0] == "datasets":
        return LinkKind.HF_DATASET
    if len(segs) >= 3 and segs[0] == "spaces":
        return LinkKind.HF_SPACE
    if len(segs) >= 2 and segs[0] not in _HF_RESERVED:
        return LinkKind.HF_MODEL
    return LinkKind.HF_OTHER


# Artifact words, shared with the status rules: what a sentence says a link holds.
CODE_WORDS = (
    r"(?:source[- ])?codes?(?![- ](?:generation|completion|review|search|editing|llms?|"
    r"models?|tasks?|understanding|synthesis|reasoning|summarization|translation|repair|"
    r"snippets?|agents?|benchmarks?|mix\w*|switch\w*|books?))|codebases?|implementations?|software|scripts?|toolkits?|"
    r"toolbox(?:es)?|library|libraries|packages?|framework|pipeline|simulators?|tools?|"
    r"environments?|"
    r"harness(?:es)?|solvers?|plugins?|kernels"
)
WEIGHTS_WORDS = (
    r"weights|checkpoints?|model[- ]zoo|"
    r"models?(?![- ](?:generations?|outputs?|responses?|predictions?|completions?|answers?|"
    r"cards?))|adapters|lora|"
    r"(?:pre-?trained|pre-?tuned|fine-?tuned|trained|quantized|distilled|instruction-tuned)"
    r"[- ][a-z][\w-]*"
)
DATA_WORDS = (
    r"datasets?|data(?:[- ]?sets?)?|corpus|corpora|benchmarks?|annotations|measurements|"
    r"logs|test[- ]?sets?|training[- ]sets?|(?:labell?ed|annotated|evaluation|validation)[- ]sets?|"
    r"(?:probe|query|eval)[- ]sets?|treebanks?|trajectories|recordings|transcripts|lexicons?|"
    r"labels|questions|(?:annotated|labell?ed|reference|gold) answers|stimuli|suites?|"
    r"(?:raw|all) results|scenes|probes|(?:human |participant |survey |model )?responses|prompts|"
    r"(?:model )?(?:generations|outputs)|dialogues|conversations|images"
)
_READING_LIST = re.compile(
    r"\b(?:reading[- ]list|paper[- ]list|awesome|curated (?:list|collection)|"
    r"list of (?:papers|works|resources)|collection of (?:papers|works|resources)|"
    r"resource (?:list|repository)|papers? (?:repository|collection))\b",
    re.I,
)
_PLACE = re.compile(
    r"\b(?:(?P<project>project[- ](?:page|website|site|homepage)|home ?page|web ?site|"
    r"web ?page)|(?P<demo>demo(?:nstration)?|playground|web[- ]?app(?:lication)?))\W*(?:\w+\W+){0,4}$",
    re.I,
)
_READING_LIST_WORDS = ("list", "awesome", "collection", "repository")
"""One of these is in every match of `_READING_LIST`..."""
_PLACE_WORDS = ("project", "home", "web", "demo", "playground")
"""(`web` covers `web app` too.)"""
"""... and of `_PLACE`."""


def _may(text: str, words: tuple[str, ...]) -> bool:
    """Whether a pattern that only matches around one of `words` (ignoring case) may match
    `text`: on ASCII text, one of them must be in its lower case; other text may fold onto
    them in ways `lower` does not (the Kelvin sign is a `k` to `re.I`), so it always may."""
    if not text.isascii():
        return True
    low = text.lower()
    return any(w in low for w in words)


_ARTIFACT_RE: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (Role.CODE, re.compile(r"\b(?:" + CODE_WORDS + r")\b|\bgithub\b", re.I)),
    (Role.WEIGHTS, re.compile(r"\b(?:" + WEIGHTS_WORDS + r")\b", re.I)),
    (Role.DATA, re.compile(r"\b(?:" + DATA_WORDS + r")\b", re.I)),
    (Role.DEMO, re.compile(r"\b(?:demos?|playground|try it|web[- ]?app(?:lication)?s?)\b", re.I)),
    (Role.PROJECT, re.compile(r"\b(?:project|website|homepage|webpage)\b", re.I)),
)
_SERVICE = re.compile(
    r"\b(?:web[- ]?services?|web[- ]?servers?|services?|servers?|apis?|endpoints?)\b[^.;]*$", re.I
)
"""A link the words before it call a service: an address to query, not a project page."""
_TOOL = re.compile(r"\b(?:" + CODE_WORDS + r")\b[^.;]*$", re.I)
_ACADEMIC = re.compile(r"(?:^|\.)(?:edu|ac\.[a-z]{2}|edu\.[a-z]{2})$|(?:^|\.)(?:uni-|univ)")
"""Hosts of universities and institutes (`.edu`, `.ac.uk`, `cs.uni-x.de`)."""


def kind_in_context(kind: LinkKind, url: str, before: str) -> LinkKind:
    """A page of no known host is a project page unless its sentence says otherwise: a
    service (`our web service is at ...`) or an institution's page for a tool or software
    (`the toolkit is available at lab.example.ac.uk/tool`) is `other`."""
    if kind is not LinkKind.PROJECT_PAGE or not before:
        return kind
    if _may(before, _SERVICE_WORDS) and _SERVICE.search(before):
        return LinkKind.OTHER
    host, _ = _segments(url)
    if _ACADEMIC.search(host) and _TOOL.search(before):
        return LinkKind.OTHER
    return kind


_SERVICE_WORDS = ("serv", "api", "endpoint")
"""One of these is in every match of `_SERVICE`."""


_LOCATION_OF = re.compile(
    r"\b(?:available|provided|released|hosted|deposited|archived|uploaded|found|downloaded|"
    r"accessed|obtained|shared|published|open[- ]?sourced)\b[^.;]*\b(?:at|from|on|in|via)\W*$",
    re.I,
)
"""A generic link (a DOI, a file server) that a release verb places its subject at holds that
subject, however far back the subject is named."""
_KIND_ROLE = {
    LinkKind.HF_MODEL: Role.WEIGHTS,
    LinkKind.HF_DATASET: Role.DATA,
    LinkKind.HF_SPACE: Role.DEMO,
}
_DEFAULT_ROLE = {
    LinkKind.GITHUB_REPO: Role.CODE,
    LinkKind.GITHUB_OWNER: Role.CODE,
    LinkKind.GITHUB_GIST: Role.CODE,
    LinkKind.GITLAB_REPO: Role.CODE,
    LinkKind.GITEA_REPO: Role.CODE,
    LinkKind.BITBUCKET_REPO: Role.CODE,
    LinkKind.DATA_HOST: Role.DATA,
    LinkKind.GITHUB_PAGES: Role.PROJECT,
    LinkKind.PROJECT_PAGE: Role.PROJECT,
}


_LIST_GLUE = re.compile(
    r"(?:\s*(?:,|\band\b|&|\bas well as\b|\bplus\b)\s*)+(?:(?:the|our|all|its|their)\s+)?"
    r"(?:[\w-]+\s+){0,2}",
    re.I,
)
"""What lies between two items of a list of artifacts: commas or `and`, then a determiner
and up to two modifiers (`, anonymized responses and analysis scripts`)."""


_REPOSITORIES = frozenset(
    {
        LinkKind.GITHUB_REPO,
        LinkKind.GITHUB_OWNER,
        LinkKind.GITLAB_REPO,
        LinkKind.GITEA_REPO,
        LinkKind.BITBUCKET_REPO,
    }
)
"""A code repository holds the code of any list that names it, whatever comes first."""


_GLUE_WORDS = (",", "and", "&", "plus", "as well as")
"""Every match of `_LIST_GLUE` holds one of these (ignoring case): text without one holds no
list of artifacts."""


def _text_role(kind: LinkKind, text: str) -> Role | None:
    """The role the artifact words of `text` give: the first role of `_ARTIFACT_RE` whose
    words it holds, unless a word of a later artifact comes before that role's first word
    and leads the list that ends the text's artifact words ("stimuli, responses and scripts
    are at <link>": data). A code repository holds the code of any list it is given for.

    The later artifacts are looked for only before the first word found (a list led by the
    first word gives its role), so most texts cost what the plain order costs."""
    for rank, (role, pattern) in enumerate(_ARTIFACT_RE):
        m = pattern.search(text)
        if m is None:
            continue
        if (
            rank < 2
            and m.start() > 0
            and kind not in _REPOSITORIES
            and _may(text, _GLUE_WORDS)
            and any(later.search(text, 0, m.start()) for _, later in _ARTIFACT_RE[rank + 1 : 3])
        ):
            matches = [
                (found.start(), found.end(), named)
                for named, words in _ARTIFACT_RE[:3]
                for found in words.finditer(text)
            ]
            listed = _first_listed(text, matches)
            if listed is not None:
                return listed
        return role
    return None


def _first_listed(text: str, matches: list[tuple[int, int, Role]]) -> Role | None:
    """The role of the first item of the list that ends with the last of `matches` (artifact
    words in `text`), when that list has two items or more."""
    items: list[tuple[int, int, Role]] = []
    for start, end, role in sorted(matches, key=lambda m: (m[0], -m[1])):
        if not items or start >= items[-1][1]:
            items.append((start, end, role))
    if len(items) < 2:
        return None
    first = len(items) - 1
    while first > 0 and _LIST_GLUE.fullmatch(text, items[first - 1][1], items[first][0]):
        first -= 1
    return items[first][2] if first < len(items) - 1 else None


_CODE_NAMED = re.compile(r"\b(?:source[- ]?)?code(?:s|base)?\b|\bimplementations?\b", re.I)
"""Words that name code itself, not a tool or an app built with it."""


def _given_as_code(kind: LinkKind, before: str) -> bool:
    """A Space or model repository that the words before it name as the code, and as nothing
    else ("the code is at <Space>"): its files are the code. "Code and weights at <model>"
    keeps the kind's own role."""
    if kind not in (LinkKind.HF_SPACE, LinkKind.HF_MODEL) or not _CODE_NAMED.search(before):
        return False
    return not any(p.search(before) for role, p in _ARTIFACT_RE if role is not Role.CODE)


def role_of(
    kind: LinkKind, before: str, clause: str = "", *, survey: bool = False, url: str = ""
) -> Role:
    """The role given by the words leading to a link, else by its clause, else by its kind.

    `before` is the clause text between the previous link (or an opening bracket) and this
    one, so in "code at A and models at B" each link gets its own words; `clause` is given only
    when the link is alone in it. A generic link (`other`: arXiv, Wikipedia, videos) takes a
    role only from words right before it, or from the subject of a release verb it follows.
    A survey's link that no artifact word claims is a reading list (`other`), not the paper's code.
    """
    if kind is LinkKind.HF_SPACE and "leaderboard" in (url + before + clause).lower():
        return Role.OTHER  # a leaderboard Space ranks everyone's models: not this paper's demo
    if kind in _KIND_ROLE:
        return Role.CODE if _given_as_code(kind, before) else _KIND_ROLE[kind]
    if _may(clause or before, _READING_LIST_WORDS) and _READING_LIST.search(clause or before):
        return Role.OTHER
    if _may(url, _READING_LIST_WORDS) and _READING_LIST.search(url):
        return Role.OTHER
    place = _PLACE.search(before) if _may(before, _PLACE_WORDS) else None
    if place:
        return Role.PROJECT if place.group("project") else Role.DEMO
    texts: tuple[str, ...]
    if kind is LinkKind.OTHER:
        texts = (before if _LOCATION_OF.search(before) else before[-40:],)
    else:
        texts = (before, clause)
    for text in texts:
        found = _text_role(kind, text)
        if found is not None:
            return found
    if survey:
        return Role.OTHER
    return _DEFAULT_ROLE.get(kind, Role.OTHER)
