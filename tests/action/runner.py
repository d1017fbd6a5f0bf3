"""A small stand-in for the Actions runner: runs a workflow job's `run:` steps with bash.

It evaluates the `${{ }}` expressions the workflows use (contexts, `||`, `&&`, `==`, `!=`, `!`,
`always()`, `success()`, `failure()`, `format()`), expands a composite action into its steps
(the local one, `uses: ./`, and `uses: owner/name@ref` for a repository given in `Job.actions`,
cloned at that ref as the runner downloads it), and gives every step `GITHUB_OUTPUT`,
`GITHUB_ENV` and `GITHUB_STEP_SUMMARY` files as the runner does. Steps that use other actions
(checkout, setup-python, upload-artifact) are the runner's business and are recorded as skipped.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>\|\||&&|==|!=|!|\(|\)|,|\.)"
    r"|(?P<id>[A-Za-z_][A-Za-z0-9_-]*))"
)
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos, text = [], 0, text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"cannot read expression {text!r} at {pos}")
        kind = m.lastgroup or ""
        out.append((kind, m[kind]))
        pos = m.end()
    return out


def _truthy(v: Any) -> bool:
    return v not in (None, "", 0, False)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return bool(a == b)


class Expr:
    """Recursive descent over the token list; `value()` evaluates the whole expression."""

    def __init__(self, text: str, ctx: dict[str, Any]) -> None:
        self.toks, self.i, self.ctx = _tokens(text), 0, ctx

    def value(self) -> Any:
        v = self._or()
        if self.i != len(self.toks):
            raise ValueError(f"unexpected {self.toks[self.i]}")
        return v

    def _peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def _take(self) -> tuple[str, str]:
        self.i += 1
        return self.toks[self.i - 1]

    def _or(self) -> Any:
        v = self._and()
        while self._peek() == "||":
            self._take()
            rhs = self._and()
            v = v if _truthy(v) else rhs
        return v

    def _and(self) -> Any:
        v = self._cmp()
        while self._peek() == "&&":
            self._take()
            rhs = self._cmp()
            v = rhs if _truthy(v) else v
        return v

    def _cmp(self) -> Any:
        v = self._unary()
        if self._peek() in ("==", "!="):
            op = self._take()[1]
            same = _equal(v, self._unary())
            return same if op == "==" else not same
        return v

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not _truthy(self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if text == "(":
            v = self._or()
            self._take()
            return v
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self._peek() == "(":
            return self._call(text)
        v = self.ctx.get(text)
        while self._peek() == ".":
            self._take()
            name = self._take()[1]
            v = v.get(name) if isinstance(v, dict) else None
        return v

    def _call(self, name: str) -> Any:
        self._take()
        args = []
        while self._peek() != ")":
            args.append(self._or())
            if self._peek() == ",":
                self._take()
        self._take()
        failed = bool(self.ctx.get("__failed__"))
        if name == "format":
            return re.sub(r"\{(\d+)\}", lambda m: _text(args[1 + int(m[1])]), str(args[0]))
        return {"always": True, "success": not failed, "failure": failed, "cancelled": False}[name]


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def interpolate(value: Any, ctx: dict[str, Any]) -> str:
    return _EXPR.sub(lambda m: _text(Expr(m[1], ctx).value()), _text(value))


def condition(text: Any, ctx: dict[str, Any]) -> bool:
    if text is None:
        return not ctx.get("__failed__")
    expr = str(text).strip()
    m = _EXPR.fullmatch(expr)
    expr = m[1] if m else expr
    if not re.search(r"\b(always|success|failure|cancelled)\(", expr):
        expr = f"success() && ({expr})"
    return _truthy(Expr(expr, ctx).value())


def _read_pairs(path: Path) -> dict[str, str]:
    """`name=value` lines and `name<<DELIM ... DELIM` blocks, as the runner reads them."""
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        name, _, value = line.partition("=")
        out[name] = value
        i += 1
    return out


@dataclass
class Job:
    """One job run: what ran, what was skipped, outputs per step id, the summary file."""

    workspace: Path
    temp: Path
    env: dict[str, str]
    github: dict[str, Any]
    inputs: dict[str, Any] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: subprocess.CompletedProcess[str] | None = None
    log: list[str] = field(default_factory=list)
    skip_ids: frozenset[str] = frozenset({"install"})
    actions: dict[str, Path] = field(default_factory=dict)
    """`owner/name` -> the git repository that `uses: owner/name@ref` is fetched from."""
    _n: int = 0

    @property
    def summary(self) -> Path:
        return self.temp / "step_summary.md"

    def run_workflow(self, workflow: Path, job: str) -> None:
        spec = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        for step in spec["jobs"][job]["steps"]:
            self._step(step, {"inputs": self.inputs}, self.steps)

    def run_action_steps(self, names: list[str], inputs: dict[str, str]) -> None:
        """Only the named steps of the composite action, with `inputs` over its defaults."""
        action = yaml.safe_load((self.workspace / "action.yml").read_text(encoding="utf-8"))
        ctx = self._ctx({}, {})
        given = {k: interpolate(s.get("default", ""), ctx) for k, s in action["inputs"].items()}
        steps = {s["name"]: s for s in action["runs"]["steps"] if "name" in s}
        inner: dict[str, Any] = {}
        for name in names:
            self._step(steps[name], {"inputs": {**given, **inputs}}, inner)

    def _ctx(self, scope: dict[str, Any], steps: dict[str, Any]) -> dict[str, Any]:
        return {
            "github": self.github,
            "runner": {"temp": str(self.temp), "os": "Linux"},
            "env": self.env,
            "steps": steps,
            "__failed__": self.failed is not None,
            **scope,
        }

    def _step(self, step: dict[str, Any], scope: dict[str, Any], steps: dict[str, Any]) -> None:
        ctx = self._ctx(scope, steps)
        name = step.get("name") or step.get("uses") or step.get("id") or "step"
        if not condition(step.get("if"), ctx):
            self.skipped.append(f"{name} (if)")
            return
        action_dir = self._action_dir(step.get("uses"))
        if action_dir is not None:
            outputs = self._composite(step, ctx, action_dir)
            if step.get("id"):
                steps[step["id"]] = {"outputs": outputs}
            return
        if "uses" in step or step.get("id") in self.skip_ids:
            self.skipped.append(name)
            return
        env = {**self.env, **{k: interpolate(v, ctx) for k, v in (step.get("env") or {}).items()}}
        outputs = self._bash(interpolate(step["run"], ctx), env, name)
        if step.get("id"):
            steps[step["id"]] = {"outputs": outputs}

    def _action_dir(self, uses: str | None) -> Path | None:
        """Where the composite action of `uses` is: the workspace for `./`, a clone at the
        ref for a repository in `actions` (a missing ref fails as on GitHub), else None."""
        if uses == "./":
            return self.workspace
        repo, _, ref = (uses or "").partition("@")
        if repo not in self.actions:
            return None
        where = self.temp / "_actions" / repo / ref
        if not where.exists():
            source = str(self.actions[repo])
            subprocess.run(
                ["git", "clone", "-q", "--depth", "1", "--branch", ref, source, str(where)],
                check=True,
                capture_output=True,
                env={**self.env, "GIT_CONFIG_NOSYSTEM": "1"},
            )
        return where

    def _composite(
        self, step: dict[str, Any], ctx: dict[str, Any], action_dir: Path
    ) -> dict[str, str]:
        action = yaml.safe_load((action_dir / "action.yml").read_text(encoding="utf-8"))
        given = {k: interpolate(v, ctx) for k, v in (step.get("with") or {}).items()}
        inputs = {
            k: given.get(k, interpolate(spec.get("default", ""), ctx))
            for k, spec in action["inputs"].items()
        }
        if missing := [
            k for k, s in action["inputs"].items() if s.get("required") and not inputs[k]
        ]:
            raise AssertionError(f"required inputs missing: {missing}")
        inner: dict[str, Any] = {}
        github = self.github
        self.github = {**github, "action_path": str(action_dir)}
        try:
            for sub in action["runs"]["steps"]:
                self._step(sub, {"inputs": inputs}, inner)
            out_ctx = self._ctx({"inputs": inputs}, inner)
            return {k: interpolate(v["value"], out_ctx) for k, v in action["outputs"].items()}
        finally:
            self.github = github

    def _bash(self, script: str, env: dict[str, str], name: str) -> dict[str, str]:
        self._n += 1
        files = {k: self.temp / f"{k.lower()}_{self._n}" for k in ("GITHUB_OUTPUT", "GITHUB_ENV")}
        for f in files.values():
            f.touch()
        full = {
            **env,
            **{k: str(v) for k, v in files.items()},
            "GITHUB_STEP_SUMMARY": str(self.summary),
        }
        started = time.monotonic()
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=self.workspace,
            env=full,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.ran.append(name)
        took = time.monotonic() - started
        self.log.append(
            f"## {name} -> {done.returncode} ({took:.1f} s)\n{done.stdout}{done.stderr}"
        )
        if done.returncode != 0 and self.failed is None:
            self.failed = done
        self.env.update(_read_pairs(files["GITHUB_ENV"]))
        return _read_pairs(files["GITHUB_OUTPUT"])


def base_env(workspace: Path, temp: Path, extra: dict[str, str]) -> dict[str, str]:
    """The process environment of a job: this Python's tools first on PATH, runner variables."""
    bindir = str(Path(sys.executable).parent)
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "TRACKER_"))}
    return {
        **keep,
        "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(temp),
        "NO_COLOR": "1",
        "COLUMNS": "200",
        **extra,
    }
