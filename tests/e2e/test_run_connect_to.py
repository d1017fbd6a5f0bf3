"""`tracker run` pointed at local services replays a scenario as the in-process pipeline does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.test_pipeline import FIRST_VERDICTS, SPEECH_KEY, verdicts
from tracker.demo import DEMO_TOKEN, LISTING, load_scenario, services
from tracker.store import open_db


def test_run_with_connect_to_gives_the_pipelines_verdicts(tmp_path: Path, cli: Any) -> None:
    db = f"sqlite:///{tmp_path / 'run.db'}"
    with services(load_scenario()) as svc:
        routes = [f"--connect-to={h}={svc.web.url}" for h in svc.web_hosts]
        routes += [f"--connect-to={h}={url}" for h, url in svc.check_routes().items()]
        ran = cli(
            "run",
            str(LISTING),
            "--db",
            db,
            "--github-api-url",
            svc.github.url,
            "--hf-endpoint",
            svc.hub.url,
            "--arxiv-api-url",
            f"{svc.arxiv.url}/api/query",
            *routes,
            env={"GITHUB_TOKEN": DEMO_TOKEN},
        )
    assert ran.returncode == 0, ran.stderr
    expected = {k: v for k, v in FIRST_VERDICTS.items() if k != SPEECH_KEY}
    assert verdicts(open_db(db)) == expected
    bad = cli("run", str(LISTING), "--db", db, "--no-enrich", "--connect-to", "bit.ly")
    assert bad.returncode != 0 and "--connect-to wants HOST=ORIGIN" in bad.stderr
