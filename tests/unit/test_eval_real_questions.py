"""The real-question measures of `make eval` (scripts/eval_real_questions.py), on made-up answers."""

from __future__ import annotations

from tests.support.scripts import load_script

ev = load_script("eval_real_questions")


def _answered(intent: str, topic: str | None, sms: str, *, report: bool = False):  # type: ignore[no-untyped-def]
    question = ev.Question(
        id="q1",
        text="can my grandkids visit with colds?",
        topic="visitors_with_colds",
        also=("kids_and_germs",),
        keywords=("stay away",),
        report=report,
    )
    return ev.Answered(question, intent, topic, sms)


def test_a_right_topic_with_a_key_fact_is_a_correct_answer() -> None:
    answered = _answered("ask_visitors_with_colds", "visitors_with_colds", "They should Stay away.")
    assert answered.correct_topic and answered.correct_answer and not answered.wrong_topic


def test_an_also_topic_counts_but_an_answer_without_the_key_fact_does_not() -> None:
    answered = _answered("ask_kids_and_germs", "kids_and_germs", "Wash hands often.")
    assert answered.correct_topic and not answered.correct_answer


def test_another_topic_is_wrong_and_a_clarifying_question_is_not() -> None:
    assert _answered("ask_pets", "pets", "Pets are fine.").wrong_topic
    clarified = _answered("nlu_fallback", None, "")
    assert clarified.clarified and not clarified.wrong_topic


def test_figures_count_invented_and_kept_reports_apart() -> None:
    answered = [
        _answered("report", None, "", report=False),
        _answered("report", None, "", report=True),
        _answered("ask_pets", "pets", "x", report=False),
    ]
    result = ev.figures("f.yml", answered)
    assert (result.reports_invented, result.no_report_questions) == (1, 2)
    assert (result.reports_kept, result.report_questions) == (1, 1)
    assert result.wrong_topic == 1 and result.rate(result.wrong_topic) == 1 / 3
