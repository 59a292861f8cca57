"""Write the development real questions as Rasa training examples (data/nlu/real_questions.yml).

Usage: python scripts/real_questions_to_nlu.py [--check]

The development part of the real-question corpus (tests/nlu/real/dev.yml: long, chatty questions
paraphrased from public posts) teaches the classifier how people really ask. Each question becomes
an example of its topic's intent (ask_<topic>, or out_of_scope). The held-out part is never read.
With --check, exit 1 when the written file is not what dev.yml gives (a test runs this).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEV_FILE = ROOT / "tests" / "nlu" / "real" / "dev.yml"
OUT_FILE = ROOT / "data" / "nlu" / "real_questions.yml"
OUT_OF_SCOPE = "out_of_scope"
HEADER = (
    "# Written by scripts/real_questions_to_nlu.py from tests/nlu/real/dev.yml: do not edit by hand.\n"
    "# Real questions (paraphrased from public posts, sources in dev.yml) as training examples.\n"
)


def intent_of(topic: str) -> str:
    topic = topic.removeprefix("new:")
    return OUT_OF_SCOPE if topic == OUT_OF_SCOPE else f"ask_{topic}"


def _example(text: str) -> str:
    # one line per example: Rasa reads "- text" items from a literal block
    return " ".join(str(text).split())


def render_nlu(dev: dict) -> str:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for question in dev.get("questions") or []:
        by_intent[intent_of(str(question["topic"]))].append(_example(question["text"]))
    lines = [HEADER, 'version: "3.1"\n', "\n", "nlu:\n"]
    for intent in sorted(by_intent):
        lines.append(f"  - intent: {intent}\n    examples: |\n")
        lines += [f"      - {text}\n" for text in by_intent[intent]]
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the file is up to date")
    args = parser.parse_args(argv)
    wanted = render_nlu(yaml.safe_load(DEV_FILE.read_text(encoding="utf-8")))
    if args.check:
        current = OUT_FILE.read_text(encoding="utf-8") if OUT_FILE.exists() else ""
        if current != wanted:
            print(f"{OUT_FILE.relative_to(ROOT)} is out of date: run {Path(__file__).name}")
            return 1
        return 0
    OUT_FILE.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
