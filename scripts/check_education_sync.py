"""Check that the education knowledge base, domain, rules and NLU data name the same intents.

Usage: python scripts/check_education_sync.py   (from the repository root; exit status 1 on a
mismatch). Rasa's own validator only warns about some of these; this makes them fail in CI.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.knowledge import load_knowledge_base  # noqa: E402  (needs the repository on the path)

ANSWER_ACTION = "action_answer_question"
MIN_TRAINING_EXAMPLES = 15
MIN_OUT_OF_SCOPE_EXAMPLES = 30
MIN_HELDOUT_EXAMPLES = 4


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _examples(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in _read(path)["nlu"]:
        lines = [line.strip()[2:] for line in item["examples"].splitlines() if line.strip()]
        found.setdefault(item["intent"], []).extend(lines)
    return found


def _compare(problems: list[str], label: str, actual: set[str], expected: set[str]) -> None:
    if missing := sorted(expected - actual):
        problems.append(f"{label}: missing {missing}")
    if extra := sorted(actual - expected):
        problems.append(f"{label}: not in the knowledge base {extra}")


def find_problems(root: Path = ROOT) -> list[str]:
    expected = {topic.intent for topic in load_knowledge_base().topics()}
    problems: list[str] = []

    _compare(
        problems,
        "domain/education.yml",
        set(_read(root / "domain/education.yml")["intents"]),
        expected,
    )

    rules = _read(root / "data/rules/education.yml")["rules"]
    ruled = {rule["steps"][0]["intent"] for rule in rules}
    _compare(problems, "data/rules/education.yml", ruled, expected)
    for rule in rules:
        steps = rule["steps"]
        if len(steps) != 2 or steps[1] != {"action": ANSWER_ACTION}:
            problems.append(
                f"data/rules/education.yml: rule '{rule['rule']}' must end in {ANSWER_ACTION}"
            )

    training = _examples(root / "data/nlu/education.yml")
    _compare(problems, "data/nlu/education.yml", set(training), expected)
    for intent, texts in training.items():
        minimum = MIN_OUT_OF_SCOPE_EXAMPLES if intent == "out_of_scope" else MIN_TRAINING_EXAMPLES
        if len(set(texts)) < minimum:
            problems.append(
                f"data/nlu/education.yml: {intent} has {len(set(texts))} examples, needs {minimum}"
            )

    heldout = _examples(root / "tests/nlu/heldout.yml")
    _compare(problems, "tests/nlu/heldout.yml", set(heldout), expected)
    for intent, texts in heldout.items():
        if len(texts) < MIN_HELDOUT_EXAMPLES:
            problems.append(f"tests/nlu/heldout.yml: {intent} has {len(texts)} examples")
    training_texts = {text.lower() for texts in training.values() for text in texts}
    copied = sorted(t for texts in heldout.values() for t in texts if t.lower() in training_texts)
    if copied:
        problems.append(f"tests/nlu/heldout.yml: copied from training data: {copied}")
    return problems


def main() -> int:
    problems = find_problems()
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("education knowledge base, domain, rules and NLU data are in sync")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
