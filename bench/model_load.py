"""Time loading a trained Rasa model in this (fresh) process: `python -m bench.model_load MODEL`.

Prints one JSON line: how long importing Rasa took, and how long `Agent.load` took after it.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    started = time.perf_counter()
    from rasa.core.agent import Agent

    imported = time.perf_counter()
    agent = Agent.load(sys.argv[1])
    loaded = time.perf_counter()
    if not agent.is_ready():
        raise SystemExit(f"{sys.argv[1]} did not load")
    print(json.dumps({"import_seconds": imported - started, "load_seconds": loaded - imported}))


if __name__ == "__main__":
    main()
