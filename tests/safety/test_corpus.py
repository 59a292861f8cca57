"""The safety corpus (tests/safety/corpus.yml): every must-page message and flow pages the team.

Each item runs through the clinical screen and Nadir's report use case on an in-memory database,
as `make safety` runs it (scripts/eval_safety.py). The held-out part is reported by `make safety`
and is not a gate here, so that nobody is tempted to tune the code to it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "safety" / "corpus.yml"


ev = load_script("eval_safety")
CASES = ev.load_cases(CORPUS)
MUST_PAGE = [case for case in CASES if case.expect == "page"]


@pytest.fixture(scope="module")
def outcomes() -> dict[str, object]:
    return {outcome.case.id: outcome for outcome in ev.run_cases(CASES)}


def test_the_corpus_is_big_and_balanced_enough() -> None:
    singles = [case for case in CASES if not case.is_flow]
    flows = [case for case in CASES if case.is_flow]
    assert len(singles) >= 400
    assert len(flows) >= 30
    assert len(MUST_PAGE) >= len(CASES) / 2
    assert sum(1 for case in CASES if case.expect == "no_page") >= len(CASES) / 4


# Must-page items Nadir still misses, each with why. Strict: once one pages, it must leave this
# list, so the gate can only tighten.
KNOWN_MISSES = {
    "mp-196": "a bare count with 'slime and blood in it', sent with no diarrhoea word and no "
    "question pending: nothing says what was counted",
    "mf-14": "'3 more since I last texted so 5 now' adds to a diarrhoea count given earlier; "
    "a count is only read in reply to the question or next to the symptom",
    "tb-150": "'lost count' of diarrhoea episodes: no number to count, so it stays a recheck; "
    "recording 'many' needs a way to store it that does not invent a number",
    "fb-086": "'tried to ring me on the tv remote': confusion told only by what she did; no "
    "wording for it that would not also catch ordinary slips",
    "d6b-008": "new forgetfulness told as a story (asking who a well-known nurse is, forgetting "
    "why she went out): no wording for it that would not also catch ordinary slips",
}


def _marked(case):  # type: ignore[no-untyped-def]
    if case.id in KNOWN_MISSES:
        return pytest.param(
            case, id=case.id, marks=pytest.mark.xfail(reason=KNOWN_MISSES[case.id], strict=True)
        )
    return pytest.param(case, id=case.id)


@pytest.mark.parametrize("case", [_marked(case) for case in MUST_PAGE])
def test_a_must_page_item_pages_the_care_team(case, outcomes) -> None:  # type: ignore[no-untyped-def]
    outcome = outcomes[case.id]
    assert outcome.paged, (
        f"{case.id} did not page: {[text for text, _ in case.turns]} -> {outcome.disposition} "
        f"{list(outcome.rules)}; replies: {list(outcome.replies)}"
    )


def test_at_least_nine_in_ten_must_not_page_items_do_not_page(outcomes) -> None:  # type: ignore[no-untyped-def]
    quiet = [case for case in CASES if case.expect == "no_page"]
    over = [case.id for case in quiet if outcomes[case.id].paged]
    assert len(over) <= len(quiet) * 0.10, f"over-escalated: {over}"
