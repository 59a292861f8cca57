"""The development real questions are training data (scripts/real_questions_to_nlu.py)."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
convert = load_script("real_questions_to_nlu")


def test_the_training_file_is_written_from_the_current_development_questions() -> None:
    assert convert.main(["--check"]) == 0


def test_no_held_out_question_is_trained_on() -> None:
    heldout = yaml.safe_load((ROOT / "tests/nlu/real/heldout.yml").read_text(encoding="utf-8"))
    training = (ROOT / "data/nlu/real_questions.yml").read_text(encoding="utf-8").lower()
    copied = [
        q["id"]
        for q in heldout["questions"]
        if " ".join(str(q["text"]).split()).lower() in training
    ]
    assert copied == []


def test_each_question_becomes_an_example_of_its_topics_intent() -> None:
    dev = {
        "questions": [
            {"topic": "pets", "text": "can my cat\n sleep on the bed?"},
            {"topic": "new:alcohol", "text": "wine?"},
            {"topic": "out_of_scope", "text": "can I skip chemo"},
        ]
    }
    nlu = yaml.safe_load(convert.render_nlu(dev))["nlu"]
    assert {entry["intent"]: entry["examples"] for entry in nlu} == {
        "ask_alcohol": "- wine?\n",
        "ask_pets": "- can my cat sleep on the bed?\n",
        "out_of_scope": "- can I skip chemo\n",
    }
