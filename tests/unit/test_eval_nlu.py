"""The `make eval` metrics (scripts/eval_nlu.py) and the report-safety test set.

Fast: the metric functions are pure and the script only imports Rasa when it loads a model.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]


ev = load_script("eval_nlu")


def _prediction(gold: str, predicted: str, text: str = "", seconds: float = 0.005):
    return ev.Prediction(
        text=text or f"{gold} as {predicted}",
        gold=gold,
        predicted=predicted,
        confidence=0.5,
        classifier_intent=predicted,
        seconds=seconds,
    )


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip(" ?!.")


# --- reading ------------------------------------------------------------------------------------


def test_nlu_yaml_is_read_as_labelled_messages_in_file_order():
    document = {
        "version": "3.1",
        "nlu": [
            {"intent": "ask_pets", "examples": "- can i keep my cat\n-   is a dog ok  \n\n"},
            {"regex": "temperature", "examples": "- \\d+"},
            {"intent": "out_of_scope", "examples": "- tell me a joke\n"},
        ],
    }
    examples = ev.parse_nlu_examples(document)
    assert examples == [
        ev.Example("can i keep my cat", "ask_pets"),
        ev.Example("is a dog ok", "ask_pets"),
        ev.Example("tell me a joke", "out_of_scope"),
    ]


# --- metrics ------------------------------------------------------------------------------------


def test_a_fallback_counts_as_wrong_for_accuracy_and_is_counted_apart():
    predictions = [
        _prediction("ask_pets", "ask_pets"),
        _prediction("ask_pets", "nlu_fallback"),
        _prediction("ask_masks", "ask_masks"),
        _prediction("ask_masks", "ask_hand_washing"),
    ]
    assert ev.accuracy(predictions) == 0.5
    assert ev.fallback_count(predictions) == 1


def test_accuracy_of_nothing_is_zero_not_a_crash():
    assert ev.accuracy([]) == 0.0


def test_topic_accuracy_leaves_out_of_scope_messages_out():
    predictions = [
        _prediction("ask_pets", "ask_pets"),
        _prediction("out_of_scope", "ask_pets"),
        _prediction("out_of_scope", "out_of_scope"),
    ]
    assert ev.topic_accuracy(predictions) == 1.0
    assert ev.accuracy(predictions) == pytest.approx(2 / 3)


def test_out_of_scope_precision_and_recall():
    predictions = [
        _prediction("out_of_scope", "out_of_scope"),
        _prediction("out_of_scope", "out_of_scope"),
        _prediction("out_of_scope", "nlu_fallback"),
        _prediction("ask_fever_reducers", "out_of_scope"),
        _prediction("ask_pets", "ask_pets"),
    ]
    scores = ev.precision_recall(predictions, "out_of_scope")
    assert (scores.true_positives, scores.predicted, scores.actual) == (2, 3, 3)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(2 / 3)


def test_precision_is_undefined_when_the_label_is_never_predicted():
    scores = ev.precision_recall([_prediction("out_of_scope", "ask_pets")], "out_of_scope")
    assert scores.precision is None
    assert scores.recall == 0.0


def test_confusions_are_grouped_by_pair_most_frequent_first_with_a_few_examples():
    predictions = [
        _prediction("ask_masks", "ask_crowds_and_sick_people", "mask 1"),
        _prediction("ask_pets", "ask_litter_box", "cat 1"),
        _prediction("ask_pets", "ask_litter_box", "cat 2"),
        _prediction("ask_pets", "ask_litter_box", "cat 3"),
        _prediction("ask_pets", "ask_pets", "right"),
    ]
    found = ev.confusions(predictions, examples_per_pair=2)
    assert [(c.gold, c.predicted, c.count) for c in found] == [
        ("ask_pets", "ask_litter_box", 3),
        ("ask_masks", "ask_crowds_and_sick_people", 1),
    ]
    assert found[0].examples == ("cat 1", "cat 2")


def test_a_report_predicted_as_an_education_answer_is_a_missed_report():
    predictions = [
        _prediction("report", "report", "is 38.4 bad? I have chills"),
        _prediction("report", "ask_fever_threshold", "is 38 too high"),
        _prediction("report", "nlu_fallback", "hot and cold"),
    ]
    missed = ev.missed_reports(predictions)
    assert [p.text for p in missed] == ["is 38 too high", "hot and cold"]


def test_questions_the_screen_turned_into_reports_are_listed():
    predictions = [
        _prediction("ask_visitors_with_colds", "report", "my friend has a cough can she visit"),
        _prediction("ask_pets", "ask_pets"),
    ]
    listed = ev.screened_as_reports(predictions)
    assert [p.text for p in listed] == ["my friend has a cough can she visit"]


def test_latency_percentiles_in_milliseconds():
    summary = ev.latency([0.001 * n for n in range(1, 101)])  # 1 .. 100 ms
    assert summary.p50_ms == pytest.approx(50)
    assert summary.p95_ms == pytest.approx(95)
    assert summary.max_ms == pytest.approx(100)
    assert summary.mean_ms == pytest.approx(50.5)


def test_evaluation_fails_under_the_target_or_on_any_missed_report():
    good = [_prediction("ask_pets", "ask_pets")] * 19 + [_prediction("ask_pets", "ask_masks")]
    safe = [_prediction("report", "report")]
    unsafe = [*safe, _prediction("report", "ask_fever_threshold")]

    assert ev.failures(ev.evaluate(good, safe, model="m")) == []  # 95%
    low = ev.evaluate([*good[:10], _prediction("ask_pets", "nlu_fallback")], safe, model="m")
    assert any("under the target" in problem for problem in ev.failures(low))
    missed = ev.failures(ev.evaluate(good, unsafe, model="m"))
    assert missed == ["1 report(s) phrased as a question not predicted as `report`"]


def test_results_are_json_with_the_headline_figures_and_every_prediction():
    heldout = [_prediction("out_of_scope", "out_of_scope"), _prediction("ask_pets", "nlu_fallback")]
    evaluation = ev.evaluate(heldout, [_prediction("report", "report")], model="models/x.tar.gz")
    document = json.loads(json.dumps(ev.results_document(evaluation, heldout)))
    assert document["accuracy"] == 0.5
    assert document["fallbacks"] == 1
    assert document["out_of_scope"]["precision"] == 1.0
    assert document["out_of_scope"]["recall"] == 1.0
    assert document["passed"] is False
    assert len(document["predictions"]) == 2
    printed = ev.format_evaluation(evaluation)
    assert "top-1 accuracy:          50.0% (1/2" in printed
    assert "ask_pets -> nlu_fallback" in printed


def test_a_missing_model_is_a_clear_error_not_a_traceback(tmp_path, capsys):
    status = ev.main(["--model", str(tmp_path / "none.tar.gz"), "--results", str(tmp_path / "r")])
    assert status == 2
    assert "make train" in capsys.readouterr().err


# --- the report-safety test set -----------------------------------------------------------------


def test_report_questions_are_at_least_40_reports_not_copied_into_training():
    reports = ev.read_nlu_examples(ev.REPORT_QUESTIONS_FILE)
    assert len(reports) >= 40
    assert {example.gold for example in reports} == {"report"}
    texts = [_normalise(example.text) for example in reports]
    assert len(texts) == len(set(texts))
    training = {
        _normalise(example.text)
        for path in sorted((ROOT / "data" / "nlu").glob("*.yml"))
        for example in ev.read_nlu_examples(path)
    }
    assert not [text for text in texts if text in training]
