"""The ML Code Completeness Checklist of one repository, judged from its stored evidence.

Five items (`ITEMS` in `tracker.flags.checklist_items`, written once: the code, `tracker flag
--help` and the README read them):
a dependencies specification, training code, evaluation code, pretrained models, and a results
table with the command that reproduces it. Each is answered `yes`, `no` or `unknown` with the
evidence (paths, README section, links) and a confidence. `no` is said only when everything it
depends on was read: a tree with folders listed but not read, a README the tree lists but the
check did not store, or a package file whose text is missing make the item `unknown` — absence
is only claimed when everything was seen.

Pure functions over `RepoEvidence` and the weights judgement (`tracker.flags.weights`), which
the pretrained-models item reuses rather than judging weights a second way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.flags.checklist_items import (
    ITEM_KEYS,
    Answer,
    Checklist,
    ItemAnswer,
)
from tracker.flags.weights import WeightsEvidence
from tracker.linked_docs import DocLink, docs_read_and_unread, read_in_part
from tracker.models import RepoEvidence
from tracker.tree import own_files, unexplored_dirs

# -- what was read ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Read:
    """The evidence as the items need it, with what was left unread."""

    files: tuple[str, ...]
    """Own files (not folders, not vendored), as listed."""
    names: frozenset[str]
    readme: str
    readme_unread: bool
    tree_partial: str
    """Why the tree cannot prove an absence ("" when it can)."""
    docs: tuple[tuple[str, str], ...] = ()
    """The documents the README links that the check read: (path, text)."""
    unread_docs: tuple[DocLink, ...] = ()
    """The documents the README links that the check did not read."""
    doc_links: tuple[DocLink, ...] = ()
    """The documents the README links that the check read (`docs`), with their lines."""

    def texts(self) -> list[tuple[str, str]]:
        """The README, then the linked documents read, as (where, text)."""
        return [("README", self.readme), *self.docs]


_README = re.compile(r"^readme(?:\.(?:md|rst|txt|markdown))?$", re.I)


def _read(e: RepoEvidence) -> _Read:
    files = tuple(own_files(e.paths))
    readme_listed = any(_README.match(p) for p in e.paths if "/" not in p)
    partial = ""
    if not e.empty and not e.paths:
        partial = "the tree was not read"
    elif unexplored := unexplored_dirs(e.paths):
        partial = f"{len(unexplored)} folders not read (e.g. {unexplored[0]})"
    read, unread = docs_read_and_unread(e.readme or "", e.paths, e.files, e.full_name)
    return _Read(
        files,
        frozenset(p.rsplit("/", 1)[-1].lower() for p in files),
        e.readme or "",
        readme_listed and not e.readme.strip(),
        partial,
        tuple((d.path, e.files[d.path]) for d in read),
        unread,
        read,
    )


def _missing(r: _Read, *, readme: bool = True) -> str:
    reasons = [r.tree_partial] if r.tree_partial else []
    if readme and r.readme_unread:
        reasons.append("the README was not read")
    return "; ".join(reasons)


def _unread_doc(r: _Read, about: re.Pattern[str]) -> str:
    """Why a linked document that was not read may hold what an item looks for ("" when
    none does): its path or the README line linking it names the item's subject."""
    cut = {p for p, text in r.docs if read_in_part(text)}
    unseen = [*r.unread_docs, *(d for d in r.doc_links if d.path in cut)]
    named = (d for d in unseen if about.search(d.path))
    doc = next(named, None) or next((d for d in unseen if about.search(d.line)), None)
    if doc is None:
        return ""
    how = "was read only in part" if doc.path in cut else "was not read"
    return f"the README points to {doc.path}, which {how}"


def _absent(
    key: str,
    r: _Read,
    what: str,
    *,
    readme: bool = True,
    conf: float = 0.8,
    docs: re.Pattern[str] | None = None,
) -> ItemAnswer:
    """`no` when everything was read, else `unknown` with what was not (the tree, the README,
    or a linked document about the item's subject, `docs`)."""
    missing = "; ".join(
        m for m in (_missing(r, readme=readme), _unread_doc(r, docs) if docs else "") if m
    )
    if missing:
        return ItemAnswer(key, Answer.UNKNOWN, (), 0.0, f"{what} seen, but {missing}")
    return ItemAnswer(key, Answer.NO, (), conf, what)


# -- README reading --------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s*(.+?)\s*#*\s*$|^(.+)\n(?:=+|-+)\s*$", re.M)
_FENCE = re.compile(r"^(```|~~~)[^\n]*\n(.*?)^\1", re.M | re.S)
_COMMAND = re.compile(
    r"^\s*(?:\$\s*|>\s*)?(?:[A-Z_]+=\S+\s+)*(?:CUDA_VISIBLE_DEVICES=\S+\s+)?"
    r"(?:python3?|torchrun|accelerate\s+launch|deepspeed|bash|sh|srun|sbatch|julia|Rscript"
    r"|make|\./[\w./-]+)\b[^\n]*",
    re.M,
)
_INLINE_COMMAND = re.compile(
    r"`((?:python3?|torchrun|bash|sh|accelerate launch|deepspeed|Rscript|julia|matlab|octave)"
    r"\s[^`\n]+)`"
)
_RUN_SCRIPT = re.compile(
    r"\b(?:run|execute|launch|call)\s+(?:the\s+)?(?:script\s+)?"
    r"`((?:\./)?[\w./-]+\.(?:py|sh|m|jl|r|lua|ipynb))`",
    re.I,
)
"""Prose that runs a script by name ("Run `run_experiments.m` to reproduce Table 2")."""
_INSTALL = re.compile(
    r"^\s*(?:\$\s*)?(?:pip3?|python3?\s+-m\s+pip|conda|mamba|uv\s+pip)\s+install\s+([^\n]+)",
    re.M,
)


@dataclass(frozen=True, slots=True)
class _Section:
    heading: str
    body: str


def _level(m: re.Match[str]) -> int:
    if m.group(1):
        return len(m.group(1))
    return 1 if m.group(0).rstrip().endswith("=") else 2


def _sections(readme: str, *, nested: bool = False) -> list[_Section]:
    """The README cut at its headings (Markdown `#` or setext, and reST underlines); each body
    runs to the next heading, or with `nested` to the next one of the same or a higher level
    (so "## Training" holds its "### Single GPU")."""
    out: list[_Section] = []
    marks = [
        (m.start(), m.end(), (m.group(2) or m.group(3) or "").strip(), _level(m))
        for m in _HEADING.finditer(readme)
    ]
    if not marks:
        return [_Section("", readme)]
    out.append(_Section("", readme[: marks[0][0]]))
    for i, (_, end, title, level) in enumerate(marks):
        later = (m[0] for m in marks[i + 1 :] if not nested or m[3] <= level)
        out.append(_Section(title, readme[end : next(later, len(readme))]))
    return out


_UNIT_TEST_RUN = re.compile(
    r"^(?:\$\s*)?(?:python3?\s+-m\s+)?(?:pytest|py\.test|unittest|tox|nox)\b"
    r"|^(?:\$\s*)?make\s+(?:test|tests|check|lint)\b"
)
"""A command that runs a project's unit tests: it checks the code, it reproduces no result."""
_CONTINUED = re.compile(r"[ \t]*\\\n[ \t]*")


@dataclass(frozen=True, slots=True)
class _Block:
    lead: str
    """The last line of prose before the block ("To reproduce Table 2, run:")."""
    code: str


def _blocks(text: str) -> list[_Block]:
    """Fenced and indented code blocks, each with the prose line that leads into it; a line
    continued with a backslash is joined to the next, so flags on later lines belong to it."""
    out: list[_Block] = []
    for m in _FENCE.finditer(text):
        out.append(_Block(_lead(text[: m.start()]), _CONTINUED.sub(" ", m.group(2))))
    for m in re.finditer(r"(?:^(?: {4}|\t).+\n?)+", text, re.M):  # indented code blocks
        if not _inside_fence(text, m.start()):
            code = "\n".join(line.strip() for line in m.group(0).splitlines())
            out.append(_Block(_lead(text[: m.start()]), _CONTINUED.sub(" ", code)))
    return out


def _inside_fence(text: str, at: int) -> bool:
    return any(m.start() < at < m.end() for m in _FENCE.finditer(text))


def _lead(before: str) -> str:
    lines = [line.strip() for line in before.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _runs(code: str) -> list[str]:
    return [
        c.group(0).strip()
        for c in _COMMAND.finditer(code)
        if not _UNIT_TEST_RUN.match(c.group(0).strip())
    ]


def _commands(text: str) -> list[str]:
    """Commands that run something, in code blocks or inline code (installs and unit-test
    runs left out)."""
    found: list[str] = []
    for b in _blocks(text):
        found += _runs(b.code)
    found += [
        c
        for m in _INLINE_COMMAND.finditer(text)
        if not _UNIT_TEST_RUN.match(c := m.group(1).strip())
    ]
    found += [m.group(1) for m in _RUN_SCRIPT.finditer(text)]
    return [c for c in dict.fromkeys(found) if not re.search(r"\b(?:pip|conda)\s+install\b", c)]


def _led_command(readme: str, lead: re.Pattern[str]) -> tuple[str, str] | None:
    """(lead-in line, first command) of the first code block whose lead-in matches `lead`:
    prose such as "Reproduce the numbers of Table 2::" names what the block below does."""
    for b in _blocks(readme):
        if b.lead and lead.search(b.lead):
            cmds = _runs(b.code)
            if cmds:
                return b.lead, cmds[0]
    return None


def _section_command(readme: str, heading: re.Pattern[str]) -> tuple[str, str] | None:
    """(section title, first command) of the first section whose heading matches and whose
    body holds a command: up to the next heading of any level, else with its subsections."""
    for nested in (False, True):
        for s in _sections(readme, nested=nested):
            if heading.search(s.heading):
                cmds = _commands(s.body)
                if cmds:
                    return s.heading, cmds[0]
    return None


def _cut(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# -- dependencies ----------------------------------------------------------------------------

_DEP_FILE = re.compile(
    r"^(?:requirements[\w.-]*\.(?:txt|in)|environment[\w.-]*\.ya?ml|conda[\w.-]*\.ya?ml"
    r"|env\.ya?ml|pipfile|pipfile\.lock|poetry\.lock|uv\.lock|pdm\.lock|dockerfile"
    r"|dockerfile\.[\w.-]+|[\w.-]+\.dockerfile|renv\.lock|description|project\.toml"
    r"|manifest\.toml|package\.json|cargo\.toml|go\.mod|pom\.xml|build\.gradle(?:\.kts)?"
    r"|install\.r|spec-file\.txt|conda-lock\.yml|devcontainer\.json|singularity\.def"
    r"|apptainer\.def|docker-compose\.ya?ml)$",
    re.I,
)
_DEP_DIRS = ("requirements/",)
_DEPS_DOC = re.compile(r"install|setup|environment|getting[_ -]?started|quick[_ -]?start", re.I)
"""A linked document that may name the environment (`INSTALL.md`, `docs/getting_started.md`)."""
_PY_DECLARES = re.compile(
    r"install_requires|^\s*dependencies\s*=|\[tool\.poetry\.dependencies\]"
    r"|\[project\.optional-dependencies\]|^\s*requires\s*=\s*\[\s*['\"](?!setuptools|wheel|hatch|flit|poetry|pdm|scikit-build)",
    re.M,
)
_PACKAGE_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
_NOT_PACKAGES = re.compile(r"^(?:-e|--editable|\.|\./?|-r|--requirement|-U|--upgrade|-q|--user)$")


def _install_command(readme: str) -> str | None:
    """A README install of named packages (`pip install torch timm`), not only of the repo
    itself (`pip install -e .`) or of a requirements file (which the tree then shows)."""
    for m in _INSTALL.finditer(readme):
        words = [w for w in m.group(1).split() if not w.startswith("#")]
        if "-r" in words or "--requirement" in words:
            continue
        named = [w for w in words if not _NOT_PACKAGES.match(w) and not w.startswith("-")]
        if named and not all(w in (".", "./") for w in named):
            return m.group(0).strip()
    return None


_INSTALL_FILE = re.compile(r"(?:-r|--requirement)\s+([\w./-]+)")


def _installed_file(readme: str) -> tuple[str, str] | None:
    """(file, README line) of a README install from a named requirements file."""
    for m in _INSTALL.finditer(readme):
        f = _INSTALL_FILE.search(m.group(1))
        if f:
            return f.group(1).lstrip("./"), m.group(0).strip()
    for m in re.finditer(
        r"conda\s+env\s+(?:create|update)\b[^\n]*?(?:-f|--file)\s+([\w./-]+)", readme
    ):
        return m.group(1).lstrip("./"), m.group(0).strip()
    return None


def dependencies(e: RepoEvidence, r: _Read) -> ItemAnswer:
    key = "dependencies"
    found = [p for p in r.files if _DEP_FILE.match(p.rsplit("/", 1)[-1])]
    found += [p for p in r.files if p.startswith(_DEP_DIRS) and p.endswith(".txt")]
    if found:
        return ItemAnswer(key, Answer.YES, tuple(sorted(set(found))[:5]), 0.95)
    unread: list[str] = []
    for p in r.files:
        if p.rsplit("/", 1)[-1] in _PACKAGE_FILES and p.count("/") <= 1:
            text = e.files.get(p)
            if text is None:
                unread.append(p)
            elif _PY_DECLARES.search(text):
                return ItemAnswer(key, Answer.YES, (f"{p} declares dependencies",), 0.9)
    for where, text in r.texts():
        install = _install_command(text)
        if install:
            return ItemAnswer(key, Answer.YES, (f"{where}: {_cut(install)}",), 0.75)
    named = _installed_file(r.readme)
    if named and r.tree_partial:
        return ItemAnswer(
            key, Answer.YES, (f"README: {_cut(named[1])} (the tree was not read in full)",), 0.6
        )
    if unread:
        return ItemAnswer(
            key, Answer.UNKNOWN, (), 0.0, f"{unread[0]} is listed but its text was not read"
        )
    return _absent(key, r, "no requirements, environment, lock or container file", docs=_DEPS_DOC)


# -- training and evaluation -----------------------------------------------------------------

_CODE_EXT = (
    ".py",
    ".sh",
    ".ipynb",
    ".jl",
    ".r",
    ".lua",
    ".m",
    ".bash",
    ".scala",
    ".java",
    ".cpp",
    ".rs",
)
_TRAIN_NAME = re.compile(
    r"(?:^|[_\-.])(?:train(?:ing|er)?|pre-?train(?:ing)?|fine-?tun(?:e|ing)|finetun(?:e|ing)"
    r"|distill(?:ation)?)(?:[_\-.]|$)",
    re.I,
)
_TRAIN_DIRS = re.compile(r"(?:^|/)(?:train|training|pretrain|finetune|fine_tune)/", re.I)
_EVAL_NAME = re.compile(
    r"(?:^|[_\-.])(?:eval(?:uate|uation|uations|uator|s)?|test|validat(?:e|ion)|val"
    r"|benchmark(?:s|ing)?|bench|reproduce|reproduction|run[_-]?experiments?"
    r"|(?:calc|compute|run|measure)[_-]?(?:metrics?|scores?|fid))(?:[_\-.]|$)",
    re.I,
)
"""Evaluation scripts: `eval*`, `test*`, `benchmark*`, and scripts that compute the reported
metrics (`calc_metrics.py`) or reproduce the paper's tables (`reproduce_table2.sh`,
`run_experiments.m`)."""
_EVAL_DIRS = re.compile(
    r"(?:^|/)(?:eval|evals|evaluation|evaluations|benchmark|benchmarks|metrics)/", re.I
)
_HOWTO_DOC = re.compile(
    r"getting[_ -]?started|get[_ -]?started|usage|quick[_ -]?start|tutorial|instructions"
    r"|experiments?",
    re.I,
)
"""A linked document that may say how to train and evaluate, whatever the item."""
_UNIT_TEST_DIRS = re.compile(r"(?:^|/)(?:tests?|unittests?|unit_tests?|testing|spec)/", re.I)
_TRAIN_HEADING = re.compile(
    r"\b(?:train(?:ing)?|pre-?train(?:ing)?|fine-?tun(?:e|ing)|reproduc)", re.I
)
_EVAL_HEADING = re.compile(
    r"\b(?:eval(?:uat(?:e|ion|ing))?|test(?:ing)?|benchmark(?:s|ing)?|validat(?:e|ion)"
    r"|reproduc(?:e|ing|tion)|zero-?shot|linear prob(?:e|ing)|k-?nn|metrics?)",
    re.I,
)
_TRAIN_COMMAND = re.compile(
    r"(?:^|[\s/._-])(?:train|pretrain|finetune|fine_tune)\w*(?:\.py|\.sh|\b)|--(?:do_)?train\b"
    r"|--mode[ =][{<\[]?(?:\w+[,|])*train\b",
    re.I,
)
_EVAL_COMMAND = re.compile(
    r"(?:^|[\s/._-])(?:eval|evaluate|evaluation|test|benchmark|validate|reproduce"
    r"|(?:calc|compute)_metrics)\w*(?:\.py|\.sh|\.m|\b)"
    r"|--(?:do_)?(?:eval|evaluate|test)\b"
    r"|--mode[ =][{<\[]?(?:\w+[,|])*(?:eval|test)\b",
    re.I,
)


def _beside_its_module(path: str, files: frozenset[str]) -> bool:
    """`models_test.py` next to `models.py`: a unit test kept beside the module it tests
    (the Go and Google convention), not a script that evaluates a model."""
    stem, dot, ext = path.rpartition(".")
    for suffix in ("_test", "_tests"):
        if dot and stem.endswith(suffix) and f"{stem[: -len(suffix)]}.{ext}" in files:
            return True
    return False


def _scripts(
    r: _Read, name: re.Pattern[str], folder: re.Pattern[str], *, unit_tests: bool
) -> list[str]:
    out = []
    files = frozenset(r.files)
    for p in r.files:
        base = p.rsplit("/", 1)[-1]
        if not base.lower().endswith(_CODE_EXT):
            continue
        if unit_tests and (_UNIT_TEST_DIRS.search(p) or _beside_its_module(p, files)):
            continue
        stem = base.rsplit(".", 1)[0]
        if name.search(stem) or folder.search(p):
            out.append(p)
    return sorted(out, key=lambda p: (p.count("/"), p))


def _code_item(
    key: str,
    r: _Read,
    scripts: list[str],
    heading: re.Pattern[str],
    command: re.Pattern[str],
    what: str,
    also: re.Pattern[str] | None = None,
) -> ItemAnswer:
    """Scripts in the tree, else a command under a heading, after a lead-in line, or that
    names the item, in the README or a linked document the check read; `no` only when none
    of these is there and no linked document about the item went unread."""
    if scripts:
        return ItemAnswer(key, Answer.YES, tuple(scripts[:5]), 0.9)
    for where, text in r.texts():
        found = _section_command(text, heading)
        if found:
            title, cmd = found
            return ItemAnswer(key, Answer.YES, (f"{where} section {title!r}: {_cut(cmd)}",), 0.8)
    for where, text in r.texts():
        led = _led_command(text, heading)
        if led:
            lead, cmd = led
            return ItemAnswer(
                key, Answer.YES, (f"{where}, after {_cut(lead, 60)!r}: {_cut(cmd)}",), 0.75
            )
    for where, text in r.texts():
        ran = next((c for c in _commands(text) if command.search(c)), None)
        if ran:
            return ItemAnswer(key, Answer.YES, (f"{where}: {_cut(ran)}",), 0.75)
    about = [heading.pattern, _HOWTO_DOC.pattern, *([also.pattern] if also else [])]
    return _absent(key, r, what, docs=re.compile("|".join(about), re.I))


def training(e: RepoEvidence, r: _Read) -> ItemAnswer:
    scripts = _scripts(r, _TRAIN_NAME, _TRAIN_DIRS, unit_tests=True)
    return _code_item(
        "training", r, scripts, _TRAIN_HEADING, _TRAIN_COMMAND, "no training script or command"
    )


def evaluation(e: RepoEvidence, r: _Read) -> ItemAnswer:
    scripts = _scripts(r, _EVAL_NAME, _EVAL_DIRS, unit_tests=True)
    return _code_item(
        "evaluation",
        r,
        scripts,
        _EVAL_HEADING,
        _EVAL_COMMAND,
        "no evaluation script or command",
        also=_RESULTS_DOC,
    )


# -- pretrained models -----------------------------------------------------------------------


_MODELS_DOC = re.compile(
    r"model|zoo|checkpoint|ckpt|weight|pre-?train|download|result|benchmark", re.I
)
"""A linked document that may list the trained models (`MODEL_ZOO.md`, `docs/results.md`)."""
_MODELS_LINE = re.compile(
    r"(?<![A-Za-z])(?:model[\s_-]?zoo|(?:pre-?)?trained\s+(?:models?|weights|networks|checkpoints)"
    r"|checkpoints?|model\s+weights)(?![A-Za-z])",
    re.I,
)
_DOCS_SITE = re.compile(
    r"\]\(\s*(https?://(?:[\w-]+\.readthedocs\.io|[\w-]+\.github\.io|docs\.[\w.-]+"
    r"|[\w.-]+/docs?/)[^)\s]*)\)",
    re.I,
)
_RELATIVE_FOLDER = re.compile(r"\]\(\s*(?!https?:|#|mailto:)([\w./-]+/)\s*\)")


def _elsewhere(r: _Read, docs: re.Pattern[str], line: re.Pattern[str], what: str) -> str:
    """Where the README sends its reader for `what` without the check reading it ("" when
    nowhere): a linked document of the repository about it (`docs`) that was not read, or a
    folder of the repository or a documentation site linked on a line naming it (`line`)."""
    unread = _unread_doc(r, docs)
    if unread:
        return unread
    for text in r.readme.splitlines():
        if not line.search(text):
            continue
        m = _DOCS_SITE.search(text) or _RELATIVE_FOLDER.search(text)
        if m:
            return f"the README points to {_cut(m.group(1), 80)} for the {what}, not read"
    return ""


def pretrained_models(w: WeightsEvidence, r: _Read) -> ItemAnswer:
    """The weights judgement's own evidence; a Hub model no rule ties to the authors leaves it
    `unknown` (weights under another name, or someone else's), as it does the weights verdict,
    and so does a README that sends its reader to a page the check did not read for them."""
    key = "pretrained_models"
    if w.own:
        strong = any(x.startswith(("file ", "release asset ", "LFS pattern ")) for x in w.own)
        return ItemAnswer(key, Answer.YES, w.own[:5], 0.95 if strong else 0.85)
    if w.unattributed:
        return ItemAnswer(
            key,
            Answer.UNKNOWN,
            w.unattributed[:5],
            0.0,
            "a Hub model of another owner: the authors' own, or someone else's",
        )
    elsewhere = _elsewhere(r, _MODELS_DOC, _MODELS_LINE, "models")
    if elsewhere and not _missing(r):
        return ItemAnswer(
            key, Answer.UNKNOWN, (), 0.0, f"no weights of the authors' seen, but {elsewhere}"
        )
    return _absent(key, r, "no weights of the authors'")


# -- results ---------------------------------------------------------------------------------

_TABLE_ROW = re.compile(r"^\s*\|?(.+\|.+)\|?\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d{1,4}(?:\.\d+)?\s*%?(?![\w.])")
_RESULT_WORDS = re.compile(
    r"\b(?:results?|accuracy|acc|top-?1|top-?5|map|ap|ap50|iou|miou|bleu|rouge|f1|psnr|ssim"
    r"|lpips|fid|is|wer|cer|perplexity|ppl|auc|recall|precision|em|pass@\d|score|performance"
    r"|benchmark|mae|rmse|mse|ndcg|chrf|win rate|success rate|k-?nn|linear(?: prob(?:e|ing))?"
    r"|sts|glue|squad|avg|average|dice|nll|bpd|mrr|r@\d+|hits@\d+|metrics?|loss|error|err"
    r"|objective|runtime|latency|throughput|fps|evaluation|experiments?|baselines?|leaderboard"
    r"|imagenet(?:-1k|-22k)?|coco|cifar-?\d*|ade20k|cityscapes|kitti|mmlu|gsm8k|humaneval|mbpp"
    r"|hellaswag|vqa(?:v2)?|gqa|mme|mmbench|squad|superglue|wikitext|librispeech)\b",
    re.I,
)
"""Metric names, and the names of common benchmarks a column of scores is headed with."""
_REPRODUCES = re.compile(
    r"\breproduc\w*\b[^\n]{0,80}?\b(?:table|tab\.|figure|fig\.|results?|numbers)"
    r"|\b(?:table|tab\.)\s*\d+\b[^\n]{0,40}\b(?:paper|reported)",
    re.I,
)
"""Prose that says a table holds the paper's numbers ("run X to reproduce Table 2")."""


def _tables(text: str) -> list[list[str]]:
    """Markdown tables (header, rule, rows) and HTML tables, each as its lines."""
    lines = text.splitlines()
    out: list[list[str]] = []
    i = 0
    while i < len(lines) - 1:
        if _TABLE_ROW.match(lines[i]) and _TABLE_RULE.match(lines[i + 1]):
            j = i + 2
            while j < len(lines) and _TABLE_ROW.match(lines[j]):
                j += 1
            out.append([lines[i], *lines[i + 2 : j]])
            i = j
        else:
            i += 1
    for m in re.finditer(r"<table\b.*?</table>", text, re.S | re.I):
        rows = re.findall(r"<tr\b.*?</tr>", m.group(0), re.S | re.I)
        out.append([re.sub(r"<[^>]+>", " | ", row) for row in rows])
    return out


def _results_table(s: _Section) -> str | None:
    """A table of results: at least one row of figures, under a results heading, with a
    metric in its header row, or in a section whose prose says it reproduces the paper's
    table."""
    for table in _tables(s.body):
        if len(table) < 2:
            continue
        unlinked = (_LINKS.sub("", row) for row in table[1:])
        numeric = [row for row in unlinked if _NUMBER.search(row)]
        if not numeric:
            continue
        if (
            _RESULT_WORDS.search(table[0])
            or _RESULT_WORDS.search(s.heading)
            or any(_RESULT_WORDS.search(_first_cell(row)) for row in numeric)
            or _REPRODUCES.search(_TABLES_OUT.sub("", s.body))
            or (_MODELS_HEADING.search(s.heading) and any(_DECIMAL.search(r) for r in numeric))
        ):
            return _cut(table[0], 80)
    return None


_LINKS = re.compile(r"\(http[^)]*\)|\[[^\]]*\]\([^)]*\)|<a\b[^>]*>|https?://\S+")


def _first_cell(row: str) -> str:
    """The label of a row ("ImageNet-1K top-1", "| 83.4 | ..."): metrics are often rows."""
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    return next((c for c in cells if c), "")


_MODELS_HEADING = re.compile(
    r"(?<![A-Za-z])(?:model[\s_-]?zoo|(?:pre-?)?trained\s+models|models|checkpoints)(?![A-Za-z])",
    re.I,
)
_DECIMAL = re.compile(r"(?<![\w.])\d{1,3}\.\d{1,3}\s*%?(?![\w.])")
"""A score such as 78.5 or 62.04% (sizes like 1.5B and versions like v1.5 left out): under a
model zoo heading, a table of them is the models' results."""

_TABLES_OUT = re.compile(r"^\s*\|[^\n]*$|<table\b.*?</table>", re.M | re.S | re.I)


_RESULTS_DOC = re.compile(
    r"result|benchmark|model[_ -]?zoo|zoo|performance|leaderboard|experiment|reproduc|baseline",
    re.I,
)
"""A linked document that may hold the results table (`MODEL_ZOO.md`, `docs/results.md`)."""
_RESULTS_LINE = re.compile(
    r"(?<![A-Za-z])(?:results?|benchmarks?|model[\s_-]?zoo|leaderboard|performance)(?![A-Za-z])",
    re.I,
)


def results(e: RepoEvidence, r: _Read) -> ItemAnswer:
    """A results table and a command, each in the README or a linked document read."""
    key = "results"
    if r.readme_unread:
        return ItemAnswer(key, Answer.UNKNOWN, (), 0.0, "the README was not read")
    texts = r.texts()
    tables = [
        (where, s.heading, t)
        for where, text in texts
        for s in _sections(text)
        if (t := _results_table(s))
    ]
    commands = [c for _, text in texts for c in _commands(text)]
    if not tables or not commands:
        unread = _elsewhere(r, _RESULTS_DOC, _RESULTS_LINE, "results")
        if unread:
            return ItemAnswer(key, Answer.UNKNOWN, (), 0.0, unread)
    if not tables:
        return ItemAnswer(key, Answer.NO, (), 0.8, "no table of results in the README")
    if not commands:
        return ItemAnswer(
            key, Answer.NO, (), 0.7, "a table of results but no command that reproduces it"
        )
    where, heading, header = tables[0]
    place = f"{where} section {heading!r}" if heading else where
    return ItemAnswer(
        key, Answer.YES, (f"{place}: table {header}", f"command: {_cut(commands[0])}"), 0.8
    )


# -- the checklist ---------------------------------------------------------------------------

NOT_CODE_KINDS = frozenset({"reading_list", "docs", "data"})
"""Repository kinds that hold no paper code: training, evaluation and results are `no` there
once everything was read (a reading list's tables are other people's results)."""


def judge_checklist(e: RepoEvidence, weights: WeightsEvidence, kind: str) -> Checklist:
    """The five items for one repository's evidence, its weights judgement and its kind."""
    r = _read(e)
    if e.empty:
        return Checklist(
            tuple(ItemAnswer(k, Answer.NO, (), 0.95, "the repository is empty") for k in ITEM_KEYS)
        )
    items = [
        dependencies(e, r),
        training(e, r),
        evaluation(e, r),
        pretrained_models(weights, r),
        results(e, r),
    ]
    if kind in NOT_CODE_KINDS:
        items = [
            ItemAnswer(i.key, Answer.NO, (), 0.8, f"a {kind.replace('_', ' ')}, not code")
            if i.key in ("training", "evaluation", "results") and not _missing(r)
            else i
            for i in items
        ]
    return Checklist(tuple(items))
