"""`python -m tracker.demo.screenshot [PNG]`: the README's picture of the HTML report.

Runs `tracker demo` into a new temporary database, exports its HTML page, and has headless
Chromium save the page 1280 pixels wide with one paper's card open (default:
`docs/img/report.png`). Everything runs offline: the demo answers from local emulators and the
page needs no network. Chromium is found on the PATH (`chromium`, `chromium-browser`,
`google-chrome`) or named by `$CHROMIUM`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WIDTH, HEIGHT = 1280, 1200
OPEN = "arxiv:2511.14204"
"""The demo paper whose card is open: a placeholder repository, so the card shows a flag, the
claims' sentences, a link with its facts and an unjudged checklist."""
DEFAULT = Path("docs/img/report.png")
INCOMPLETE = 6
"""`tracker demo`'s exit code when some look-up ended unknown: the page is still written."""


def _chromium() -> str:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    raise SystemExit("no Chromium found: install chromium or set CHROMIUM to its path")


def _tracker(*args: str) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, check=False
    )
    if res.returncode not in (0, INCOMPLETE):
        raise SystemExit(f"tracker {args[0]} failed ({res.returncode}):\n{res.stderr[-2000:]}")


def screenshot(out: Path) -> Path:
    """Write the picture to `out` (its folder created if missing); returns `out`."""
    chromium = _chromium()
    with tempfile.TemporaryDirectory(prefix="tracker-shot-") as tmp:
        work = Path(tmp)
        db = f"sqlite:///{work / 'demo.db'}"
        page = work / "report.html"
        _tracker("demo", "--db", db)
        _tracker("export", "--format", "html", "-o", str(page), "--db", db)
        out.parent.mkdir(parents=True, exist_ok=True)
        shot = work / "report.png"
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--hide-scrollbars",
                f"--user-data-dir={work / 'profile'}",
                f"--window-size={WIDTH},{HEIGHT}",
                f"--screenshot={shot}",
                f"{page.as_uri()}#open={OPEN}",
            ],
            capture_output=True,
            check=True,
            timeout=120,
        )
        shutil.copyfile(shot, out)
    return out


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else DEFAULT
    print(f"wrote {screenshot(out)} ({WIDTH} px wide)")


if __name__ == "__main__":
    main(sys.argv[1:])
