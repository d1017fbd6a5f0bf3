"""Headless Chromium driven over the DevTools protocol on a pipe: no driver, no extra package.

`--remote-debugging-pipe` makes Chromium read protocol commands from file descriptor 3 and write
answers and events to descriptor 4, each message JSON ended by a NUL byte. That is enough to
load a page at a given viewport width, click at an element's position with real mouse events,
read values out of the page and take a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
TIMEOUT = 60.0


class BrowserError(RuntimeError):
    """Chromium answered a command with an error, or went away."""


def _above_4(*fds: int) -> tuple[int, ...]:
    """`fds` moved to numbers above 4, so that the child's 3 and 4 can be made from them."""
    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved


class Browser:
    """One headless Chromium with one page."""

    def __init__(self, chromium: str, profile: Path) -> None:
        ours_read, theirs_write = _above_4(*os.pipe())
        theirs_read, ours_write = _above_4(*os.pipe())

        def wire() -> None:  # in the child, before exec: its fds 3 and 4 are the pipe ends
            os.dup2(theirs_read, 3)  # a copy under a new number is inheritable
            os.dup2(theirs_write, 4)

        self._proc = subprocess.Popen(
            [chromium, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire,
            close_fds=False,
        )
        os.close(theirs_read)
        os.close(theirs_write)
        self._write, self._read = ours_write, ours_read
        self._buf = b""
        self._next = 0
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self._session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)[
            "sessionId"
        ]
        self.page("Page.enable")
        self.page("Runtime.enable")

    def _message(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise BrowserError("no answer from Chromium")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise BrowserError("Chromium closed the pipe")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        msg: dict[str, Any] = json.loads(raw)
        return msg

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        ident = self._next
        msg: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._write, json.dumps(msg).encode() + b"\0")
        while True:
            answer = self._message()
            if answer.get("id") == ident:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            # anything else is an event, which nothing here waits for

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.call(method, self._session, **params)

    def open(self, url: str, width: int, height: int = 900) -> None:
        """Load `url` in a viewport `width` CSS pixels wide (a phone's below 600)."""
        self.page(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self.page("Page.navigate", url=url)
        # a load event may still be on its way from the page before: wait for this document
        want = url.split("#")[0]
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            state, href = self.eval("[document.readyState, location.href]")
            if state == "complete" and href.split("#")[0] == want:
                return
            time.sleep(0.05)
        raise BrowserError(f"{url} did not load")

    def eval(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serializable)."""
        res = self.page("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in res:
            raise BrowserError(f"{expression}: {res['exceptionDetails']}")
        return res["result"].get("value")

    def click(self, selector: str) -> None:
        """Click the middle of the first element `selector` matches, as a mouse would."""
        box = self.eval(
            f"(()=>{{const e=document.querySelector({json.dumps(selector)});"
            "if(!e) return null; e.scrollIntoView({block:'center'});"
            "const r=e.getBoundingClientRect(); return [r.x+r.width/2, r.y+r.height/2];})()"
        )
        if box is None:
            raise BrowserError(f"nothing matches {selector}")
        x, y = box
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.page(
                "Input.dispatchMouseEvent",
                type=kind,
                x=x,
                y=y,
                button="left" if kind != "mouseMoved" else "none",
                clickCount=1 if kind != "mouseMoved" else 0,
            )

    def choose(self, select_id: str, label: str) -> None:
        """Pick the option shown as `label` in a `<select>`, as a person choosing it would
        (the page hears the same `change` event)."""
        found = self.eval(
            f"(()=>{{const s=document.getElementById({json.dumps(select_id)});"
            f"const o=[...s.options].find(o=>o.textContent==={json.dumps(label)});"
            "if(!o) return false; s.value=o.value;"
            "s.dispatchEvent(new Event('change',{bubbles:true})); return true;})()"
        )
        if not found:
            raise BrowserError(f"no option {label!r} in #{select_id}")

    def screenshot(self, path: Path, *, full: bool = False) -> bytes:
        """A PNG of the viewport (of the whole page with `full`), also written to `path`."""
        params: dict[str, Any] = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
        data = base64.b64decode(self.page("Page.captureScreenshot", **params)["data"])
        path.write_bytes(data)
        return data

    def close(self) -> None:
        with contextlib.suppress(BrowserError):
            self.call("Browser.close")
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._write)
        os.close(self._read)
