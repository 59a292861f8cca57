"""Reading an ANC out of a message: x10^9/L and cells per microlitre."""

from __future__ import annotations

import pytest

from bot.clinical.anc import parse_anc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # already x10^9/L (a number below 50)
        ("0.4", 0.4),
        ("1.2", 1.2),
        ("neuts 1.2", 1.2),
        ("0,8", 0.8),
        ("ANC: 0.05", 0.05),
        ("0", 0.0),
        ("ANC 0.4 x10^9/L", 0.4),
        ("2.3 \u00d7 10\u2079/L", 2.3),
        ("1.5 x 10*9/l", 1.5),
        ("1.2 K/uL", 1.2),
        ("1.2k", 1.2),
        ("ANC-0.4", 0.4),
        ("my ANC was 0.4 yesterday", 0.4),
        # cells per microlitre (50 or more, or a per-microlitre unit), divided by 1000
        ("400", 0.4),
        ("400/uL", 0.4),
        ("400 cells/mm3", 0.4),
        ("400 /\u00b5L", 0.4),
        ("300 per uL", 0.3),
        ("ANC 800", 0.8),
        ("my counts are 600", 0.6),
        ("1200", 1.2),
        ("1,200", 1.2),
        ("1,200/uL", 1.2),
        ("50", 0.05),
        ("40/uL", 0.04),
        ("0.4 (400)", 0.4),
        # not an ANC, or not safely one: the conversation asks again
        ("-1", None),
        ("ANC -0.2", None),
        ("abc", None),
        ("", None),
        ("100000", None),
        ("50000", None),
        ("neutrophils 60%", None),
        ("wbc 2.1", None),
        ("my white count is 3.4", None),
        ("platelets 90", None),
        ("ANC 0.4 on 3/12", None),
        ("it went from 1.2 to 0.4", None),
        ("0.4 x10^9/L 400/uL", None),
    ],
)
def test_parse_anc(text: str, expected: float | None) -> None:
    assert parse_anc(text) == expected


def test_neutrophil_words_win_over_other_count_words() -> None:
    assert parse_anc("neutrophils (white cells) 0.9") == 0.9
