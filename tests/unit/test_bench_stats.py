"""The benchmark's statistics, its matching of SMS to messages, and its targets and tables."""

from __future__ import annotations

import itertools

import pytest

from bench import report
from bench.stats import (
    Kind,
    RateStep,
    Sent,
    Sms,
    achieved_rate,
    attribute,
    check_delivery,
    highest_sustained_rate,
    percentile,
    step_sustained,
    summarise,
)
from bench.traffic import SCRIPT, TrafficPlan, is_paging_turn

NURSE = "+16175559998"
BACKUP = "+16175559999"
CARE_TEAM = frozenset({NURSE, BACKUP})
ANN = "+16175550001"
BOB = "+16175550002"
NEW = "+16175555000"


def sent(phone: str, at: float, kind: Kind = Kind.QUESTION, status: int | None = 200) -> Sent:
    return Sent(phone, kind, "text", "conversations", at, 0.01, status)


# --- percentiles ---------------------------------------------------------------------------------


def test_percentiles_use_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100


def test_a_single_slow_message_shows_in_p99_of_a_hundred_but_not_in_p95() -> None:
    values = [0.05] * 99 + [3.0]
    assert percentile(values, 95) == 0.05
    assert percentile(values, 100) == 3.0
    assert percentile([0.05] * 98 + [3.0, 3.0], 99) == 3.0


def test_order_of_the_values_does_not_matter() -> None:
    assert percentile([0.3, 0.1, 0.2], 50) == 0.2


def test_percentile_refuses_nothing_and_nonsense() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_summary_skips_missing_values_and_reports_an_empty_set_as_zero_count() -> None:
    summary = summarise([0.1, None, 0.3])
    assert summary.count == 2
    assert summary.p50 == 0.1 and summary.max == 0.3
    assert summary.mean == pytest.approx(0.2)
    assert summarise([None]).count == 0 and summarise([]).p95 is None


# --- matching SMS to the message that caused them --------------------------------------------------


def test_the_first_reply_after_a_message_gives_its_latency() -> None:
    messages = [sent(ANN, 10.0), sent(ANN, 12.0)]
    sms = [Sms(ANN, 10.08, "a"), Sms(ANN, 10.09, "b"), Sms(ANN, 12.2, "c")]
    outcomes = attribute(messages, sms, CARE_TEAM).outcomes
    assert [o.replies for o in outcomes] == [2, 1]
    assert outcomes[0].reply_seconds == pytest.approx(0.08)
    assert outcomes[1].reply_seconds == pytest.approx(0.2)


def test_replies_go_to_their_own_patient() -> None:
    messages = [sent(ANN, 10.0), sent(BOB, 10.01)]
    sms = [Sms(BOB, 10.05, "to bob"), Sms(ANN, 10.5, "to ann")]
    by_phone = {o.sent.phone: o for o in attribute(messages, sms, CARE_TEAM).outcomes}
    assert by_phone[ANN].reply_seconds == pytest.approx(0.5)
    assert by_phone[BOB].reply_seconds == pytest.approx(0.04)


def test_a_page_belongs_to_the_patient_whose_number_it_quotes() -> None:
    messages = [sent(ANN, 10.0), sent(NEW, 10.1, Kind.PAGING)]
    page = Sms(NURSE, 10.4, f"NADIR EMERGENCY K7Q: Bench Patient 5. {NEW}. Met: R2")
    attribution = attribute(messages, [page, Sms(NEW, 10.45, "call now")], CARE_TEAM)
    by_phone = {o.sent.phone: o for o in attribution.outcomes}
    assert by_phone[NEW].pages == 1
    assert by_phone[NEW].page_seconds == pytest.approx(0.3)
    assert by_phone[ANN].pages == 0
    assert by_phone[NEW].replies == 1  # the page is not a reply to the patient


def test_sms_nobody_asked_for_are_counted_as_strays() -> None:
    messages = [sent(ANN, 10.0)]
    sms = [
        Sms(ANN, 9.0, "before she texted"),
        Sms(NURSE, 10.2, "NADIR EMERGENCY: +16175550404"),
        Sms(NURSE, 10.3, "no number at all"),
    ]
    attribution = attribute(messages, sms, CARE_TEAM)
    assert attribution.stray_replies == 1
    assert attribution.stray_pages == 2
    assert attribution.outcomes[0].replies == 0


# --- delivery ----------------------------------------------------------------------------------------


def _outcomes(messages: list[Sent], sms: list[Sms]):
    return attribute(messages, sms, CARE_TEAM)


def test_delivery_is_complete_when_all_are_answered_and_each_paging_report_paged_once() -> None:
    messages = [sent(ANN, 1.0), sent(NEW, 1.0, Kind.PAGING)]
    sms = [Sms(ANN, 1.1, "answer"), Sms(NURSE, 1.2, f"page {NEW}"), Sms(NEW, 1.3, "call")]
    delivery = check_delivery(_outcomes(messages, sms).outcomes)
    assert delivery.complete
    assert (delivery.messages, delivery.answered, delivery.paged_once) == (2, 2, 1)


def test_an_unanswered_message_a_double_page_or_a_missing_page_is_not_complete() -> None:
    unanswered = check_delivery(_outcomes([sent(ANN, 1.0)], []).outcomes)
    assert unanswered.unanswered == 1 and not unanswered.complete

    paging = [sent(NEW, 1.0, Kind.PAGING)]
    twice = [Sms(NURSE, 1.1, f"page {NEW}"), Sms(NURSE, 1.2, f"page {NEW}"), Sms(NEW, 1.3, "x")]
    double = check_delivery(_outcomes(paging, twice).outcomes)
    assert double.paged_more_than_once == 1 and not double.complete

    missing = check_delivery(_outcomes(paging, [Sms(NEW, 1.3, "x")]).outcomes)
    assert missing.unpaged == 1 and not missing.complete


def test_a_page_for_a_question_is_unexpected() -> None:
    attribution = _outcomes(
        [sent(ANN, 1.0)], [Sms(ANN, 1.1, "answer"), Sms(NURSE, 1.2, f"page {ANN}")]
    )
    delivery = check_delivery(attribution.outcomes)
    assert delivery.unexpected_pages == 1 and not delivery.complete


def test_a_webhook_error_is_not_complete_even_if_answered() -> None:
    attribution = _outcomes([sent(ANN, 1.0, status=500)], [Sms(ANN, 1.1, "sorry")])
    delivery = check_delivery(attribution.outcomes)
    assert delivery.webhook_errors == 1 and not delivery.complete


# --- rates ---------------------------------------------------------------------------------------------


def _step(offered: float, p95: float, achieved: float | None = None, lost: bool = False):
    messages = [sent(ANN, 1.0)]
    replies = [] if lost else [Sms(ANN, 1.0 + p95, "answer")]
    outcomes = attribute(messages, replies, CARE_TEAM).outcomes
    return RateStep(
        offered_per_second=offered,
        achieved_per_second=offered if achieved is None else achieved,
        reply=summarise([p95]),
        webhook=summarise([0.01]),
        escalation=summarise([]),
        delivery=check_delivery(outcomes),
    )


def test_achieved_rate_counts_intervals_between_the_first_and_last_send() -> None:
    assert achieved_rate([0.0, 0.1, 0.2, 0.3, 0.4]) == pytest.approx(10.0)
    assert achieved_rate([1.0]) is None


def test_a_step_is_sustained_only_under_500_ms_with_nothing_lost_at_the_offered_rate() -> None:
    assert step_sustained(_step(40, 0.2))
    assert not step_sustained(_step(40, 0.5))
    assert not step_sustained(_step(40, 0.2, lost=True))
    assert not step_sustained(_step(40, 0.2, achieved=30))


def test_the_highest_sustained_rate_is_the_last_one_before_the_first_failure() -> None:
    steps = [_step(10, 0.1), _step(20, 0.2), _step(40, 0.9), _step(60, 0.3)]
    assert highest_sustained_rate(steps) == 20
    assert highest_sustained_rate([_step(10, 0.9)]) is None


# --- the traffic mix -------------------------------------------------------------------------------------


def test_one_message_in_ten_pages_and_concurrent_conversations_page_at_different_turns() -> None:
    assert [is_paging_turn(i) for i in range(20)].count(True) == 2
    first_pages = [next(i for i in range(10) if is_paging_turn(i, slot)) for slot in range(10)]
    assert sorted(first_pages) == list(range(10))


def test_regular_patients_ask_two_questions_for_every_report_and_answer_the_checklist() -> None:
    phones = [f"+1617555{i:04d}" for i in range(30)]
    plan = TrafficPlan(["what is the nadir"], phones, [NEW])
    turns = [plan.next_regular(phone) for _ in range(len(SCRIPT)) for phone in phones]
    kinds = [kind for kind, _ in turns]
    assert kinds.count(Kind.QUESTION) == 2 * kinds.count(Kind.REPORT)
    for phone in phones:  # a "0" only ever follows the temperature that asked the checklist
        said = [plan.next_regular(phone)[1] for _ in range(2 * len(SCRIPT))]
        for before, text in itertools.pairwise(said):
            if text == "0":
                assert any(ch.isdigit() for ch in before) and before != "0"


def test_each_paging_report_comes_from_a_new_patient_until_none_are_left() -> None:
    plan = TrafficPlan(["q"], [ANN], [NEW, BOB])
    assert [plan.next_paging()[0] for _ in range(2)] == [NEW, BOB]
    with pytest.raises(RuntimeError):
        plan.next_paging()


# --- targets and tables -------------------------------------------------------------------------------------


def _results(reply_p95: float, rasa_mib: float, complete: bool = True) -> dict:
    delivery = {
        "messages": 10,
        "answered": 10 if complete else 9,
        "webhook_errors": 0,
        "paging_reports": 1,
        "paged_once": 1,
        "unpaged": 0,
        "paged_more_than_once": 0,
        "unexpected_pages": 0,
        "unanswered": 0 if complete else 1,
        "complete": complete,
    }
    system = {
        "training": {"cold_seconds": 25.0},
        "model_load": {"load_seconds": 2.0, "import_seconds": 8.0},
        "conversations": {
            "count": 10,
            "reply": {"p50": 0.05, "p95": reply_p95, "p99": 0.2},
            "webhook": {"p50": 0.01, "p95": 0.02, "p99": 0.03},
            "escalation": {"p50": 0.1, "p99": 0.4},
            "mix": {"question": 6, "report": 3, "paging": 1},
        },
        "ramp": {"steps": [], "highest_sustained_per_second": 60.0},
        "memory_mb": {"rasa": rasa_mib * 0.7},  # the largest process
        "memory_pss_mb": {"rasa": rasa_mib},  # all of them: the target's measure
        "process_counts": {"rasa": 3},
        "all_traffic": {"delivery": delivery},
    }
    baseline = {**system, "conversations": {**system["conversations"], "reply": {"p95": 0.6}}}
    return {"systems": {"nadir": system, "baseline": baseline}, "settings": {}, "machine": {}}


def test_targets_are_met_or_missed_by_the_measured_value() -> None:
    met = {t["name"]: t["met"] for t in report.evaluate_targets(_results(0.12, 600))}
    assert all(met.values())
    missed = {t["name"]: t["met"] for t in report.evaluate_targets(_results(0.16, 900, False))}
    assert not missed["reply_p95"] and not missed["rasa_memory"] and not missed["nothing_lost"]
    assert missed["escalation_p99"] and missed["sustained_rate"]


def test_the_summary_shows_both_systems_and_stock_over_nadir_ratios() -> None:
    table = report.summary_table(_results(0.12, 600))
    row = next(line for line in table.splitlines() if line.startswith("| Reply latency p95"))
    assert "120 ms" in row and "600 ms" in row and "5.00×" in row


def test_the_markdown_names_the_command_and_the_machine() -> None:
    results = {
        **_results(0.12, 600),
        "command": "make bench",
        "generated_at": "2026-11-21T00:00:00+00:00",
        "machine": {"cpus": 2, "cpu_model": "AMD EPYC", "memory_gib": 23.5},
        "settings": {"conversations": 10, "conversation_seconds": 40, "step_seconds": 15},
    }
    text = report.render_markdown(results)
    assert "`make bench`" in text and "AMD EPYC" in text
    assert "## Targets" in text and "Stock Rasa" in text


def test_a_missed_target_carries_its_profiled_cause_and_a_met_one_none() -> None:
    results = _results(0.16, 600)
    results["systems"]["nadir"]["training"]["cold_seconds"] = 31.0
    why = {t["name"]: t["why"] for t in report.evaluate_targets(results)}
    assert "both Rasa processes are busy" in why["reply_p95"]
    assert "newton-cg" in why["cold_training"]
    assert why["escalation_p99"] == "" and why["rasa_memory"] == ""
    assert "policy graph" in report.targets_table({**results, "targets": None})


def test_the_markdown_explains_when_nadir_replies_later_than_stock_rasa() -> None:
    slower = _results(0.12, 600)
    slower["systems"]["baseline"]["conversations"]["reply"]["p50"] = 0.03
    assert "persisted outbox" in report.render_markdown(slower)
    faster = _results(0.12, 600)
    faster["systems"]["baseline"]["conversations"]["reply"]["p50"] = 0.09
    assert "persisted outbox" not in report.render_markdown(faster)
