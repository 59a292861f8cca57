"""Reading a whole report: the team's own thresholds and merging follow-up replies (pure)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.clinical.model import SymptomCode, SymptomMention
from bot.clinical.report import parse_report, team_thresholds, with_symptoms

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc)


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_report(text, NOW, timezone.utc)


@pytest.mark.parametrize(
    ("text", "threshold", "readings"),
    [
        ("my card says ring at 37.5 and Im 37.8", 37.5, [37.8]),
        ("nurse told us to ring if she goes over 37.5, shes 37.9", 37.5, [37.9]),
        ("christie card says 37.5 or above and im 37.5", 37.5, [37.5]),
        ("fever card says 38.3 for emerg and im 38.2, feel fine", 38.3, [38.2]),
        ("the leaflet says call at 100.4, I'm 99.9", 38.0, [37.72]),
    ],
)
def test_a_quoted_team_threshold_is_not_a_reading(
    text: str, threshold: float, readings: list[float]
) -> None:
    report = parse(text)
    assert report.team_threshold_c == threshold
    assert [r.celsius for r in report.readings] == readings


def test_a_lower_threshold_is_not_a_call_threshold() -> None:
    quoted = team_thresholds("my sheet says ring if under 36 or over 37.5")
    assert quoted == [(36.0, False), (37.5, True)]
    assert parse("my sheet says ring if under 36 or over 37.5. its 35.8").team_threshold_c == 37.5


def test_a_reading_without_instructions_has_no_team_threshold() -> None:
    assert parse("38.1 and shivery").team_threshold_c is None


def test_merging_keeps_the_red_flag_form_and_the_highest_count() -> None:
    report = parse("short of breath, diarrhoea 3 times")
    added = (
        SymptomMention(SymptomCode.SHORT_OF_BREATH, "can hardly breathe", NOW, red_flag=True),
        SymptomMention(SymptomCode.DIARRHOEA, "checklist", NOW, count=5),
    )
    merged = {m.code: m for m in with_symptoms(report, added).symptoms}
    assert merged[SymptomCode.SHORT_OF_BREATH].red_flag
    assert merged[SymptomCode.DIARRHOEA].count == 5
