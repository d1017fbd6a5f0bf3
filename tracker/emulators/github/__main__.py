"""Serve a scenario until Ctrl-C: `python -m tracker.emulators.github --scenario FILE --port N`."""

from __future__ import annotations

import argparse

from .server import GitHubEmulator
from .synth import synthetic_scenario


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tracker.emulators.github", description=__doc__)
    parser.add_argument("--scenario", help="scenario JSON file (see SCENARIO.md)")
    parser.add_argument("--synthetic", type=int, metavar="N", help="serve N synthetic repos")
    parser.add_argument("--seed", type=int, default=0, help="seed for --synthetic")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    args = parser.parse_args(argv)
    if args.synthetic:
        scenario = synthetic_scenario(args.synthetic, args.seed)
    elif args.scenario:
        scenario = args.scenario
    else:
        parser.error("give --scenario FILE or --synthetic N")
    emulator = GitHubEmulator(scenario, port=args.port).start()
    print(emulator.url, flush=True)
    emulator.serve_forever()


if __name__ == "__main__":
    main()
