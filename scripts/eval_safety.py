"""Run the safety corpus through the path a text takes (`make safety`).

Usage: python scripts/eval_safety.py [--file tests/safety/corpus.yml ...] [--no-fail] [--json PATH]

Every message goes, in-process, through what a real SMS meets after the webhook: the
deterministic clinical screen, then Nadir's report use case (`conversation.report`: parsing,
storing, the rules, paging, the advice text) on a fresh in-memory database with a patient
enrolled as the item describes. Outbound SMS are recorded, never sent. The clock is the
corpus's own (tests/safety/README.md), so "since Sunday" always means the same day.

What the Rasa classifier would have done is not modelled: a message the screen does not send to
the report path counts as a question (it cannot page), except while a report question is
pending, when it goes to the report, as Rasa's rules send "yes", "no" and "skip" there.

Printed per file: sensitivity (must-page items that paged), specificity (must-not-page items
that did not), urgency agreement (the disposition reached equals the label), clarifying
questions asked where the label expects one, and every miss. Exit status 1 when a must-page item
did not page (unless --no-fail).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot import conversation  # noqa: E402
from bot.clinical.model import Disposition  # noqa: E402
from bot.clinical.screen import CHOOSE_NUMBER, REPORT, screen_intent  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import Escalation, Patient  # noqa: E402
from bot.db.session import make_engine, make_session_factory, unit_of_work  # noqa: E402
from bot.runtime import Runtime  # noqa: E402
from bot.services import enrolment  # noqa: E402
from bot.services.reporting import assess_patient  # noqa: E402
from bot.sms.gateway import ConsoleGateway  # noqa: E402

CORPUS_FILES = (ROOT / "tests" / "safety" / "corpus.yml", ROOT / "tests" / "safety" / "heldout.yml")
# Held-out files: only their figures are printed, never which items missed, so that nobody tunes
# the code to them by accident.
HELDOUT_FILES = frozenset({"heldout.yml"})
CLINIC_TZ = ZoneInfo("America/New_York")
# the corpus clock: Wednesday 2 December 2026, 10:00 clinic time
CORPUS_NOW = datetime(2026, 12, 2, 10, 0, tzinfo=CLINIC_TZ)
DEFAULT_CHEMO_DAYS_AGO = 9
EXPECTATIONS = ("page", "no_page", "ask")


@dataclass(frozen=True)
class Case:
    """One corpus item: a single message, or a flow of several."""

    id: str
    file: str
    turns: tuple[tuple[str, int], ...]  # (text, minutes after the previous turn)
    voice: str
    expect: str
    disposition: str
    rules: tuple[str, ...]
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def is_flow(self) -> bool:
        return len(self.turns) > 1


@dataclass(frozen=True)
class Outcome:
    case: Case
    paged: bool
    disposition: str  # the highest reached over the turns
    rules: tuple[str, ...]  # fired when the highest disposition was reached
    asked: bool  # a reply asked the texter to check or clarify something
    replies: tuple[str, ...]

    @property
    def correct(self) -> bool:
        if self.case.expect == "page":
            return self.paged
        if self.case.expect == "ask":
            return self.asked or self.paged
        return not self.paged

    @property
    def same_urgency(self) -> bool:
        return self.disposition == self.case.disposition


# --- loading --------------------------------------------------------------------------------


def load_cases(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases: list[Case] = []
    for item in data.get("items") or []:
        cases.append(_case(item, path, ((str(item["text"]), 0),)))
    for flow in data.get("flows") or []:
        turns = tuple(
            (str(turn["text"]), int(turn.get("after_minutes") or 0)) for turn in flow["turns"]
        )
        cases.append(_case(flow, path, turns))
    ids = [case.id for case in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"{path.name}: duplicate ids {', '.join(duplicates)}")
    return cases


def _case(entry: dict[str, Any], path: Path, turns: tuple[tuple[str, int], ...]) -> Case:
    expect = str(entry["expect"])
    if expect not in EXPECTATIONS:
        raise ValueError(f"{path.name} {entry.get('id')}: expect must be one of {EXPECTATIONS}")
    disposition = str(entry.get("disposition") or "none")
    Disposition(disposition)  # raises on a typo
    return Case(
        id=str(entry["id"]),
        file=path.name,
        turns=turns,
        voice=str(entry.get("voice") or "patient"),
        expect=expect,
        disposition=disposition,
        rules=tuple(str(rule) for rule in entry.get("rules") or ()),
        context=dict(entry.get("context") or {}),
    )


# --- running --------------------------------------------------------------------------------


class Clinic:
    """A clinic on an in-memory database with a care team; one per rule profile."""

    def __init__(self, profile: str, data_dir: Path) -> None:
        settings = load_settings(
            {
                "DATABASE_URL": "sqlite://",
                "NADIR_DATA_DIR": str(data_dir),
                "NADIR_RULE_PROFILE": profile,
                "NADIR_TIMEZONE": str(CLINIC_TZ),
                "NADIR_CLINIC_PHONE": "617-555-0123",
            }
        )
        engine = make_engine(settings.database_url)
        upgrade(engine)
        self.sent = io.StringIO()
        self.rt = Runtime(settings, engine, make_session_factory(engine), ConsoleGateway(self.sent))
        self._next_number = 0
        with unit_of_work(self.rt.sessions) as session:
            enrolment.add_team_member(
                session,
                name="Dana Reyes",
                phone="+16175550190",
                role=enrolment.Role.PRIMARY,
                now=CORPUS_NOW,
            )

    def enrol(self, case: Case) -> tuple[str, int]:
        """A new patient (and caregiver) for `case`: the phone that texts, and the patient id."""
        self._next_number += 2
        patient_phone = f"+1617201{self._next_number:04d}"
        caregiver_phone = f"+1617201{self._next_number + 1:04d}"
        days_ago = case.context.get("chemo_days_ago", DEFAULT_CHEMO_DAYS_AGO)
        chemo_date = (
            None
            if days_ago is None
            else (CORPUS_NOW - timedelta(days=int(days_ago))).astimezone(CLINIC_TZ).date()
        )
        with unit_of_work(self.rt.sessions) as session:
            patient = enrolment.add_patient(
                session,
                name="Corpus Patient",
                phone=patient_phone,
                now=CORPUS_NOW,
                chemo_date=chemo_date,
            )
            if case.context.get("anc") is not None:
                hours_ago = float(case.context.get("anc_hours_ago", 6))
                enrolment.record_anc(
                    session,
                    patient=patient,
                    value=float(case.context["anc"]),
                    measured_at=CORPUS_NOW - timedelta(hours=hours_ago),
                    now=CORPUS_NOW,
                )
            enrolment.add_caregiver(
                session,
                name="Corpus Caregiver",
                phone=caregiver_phone,
                patient_phone=patient_phone,
                now=CORPUS_NOW,
            )
            patient_id = patient.id
        return (caregiver_phone if case.voice == "caregiver" else patient_phone), patient_id

    def run(self, case: Case) -> Outcome:
        phone, patient_id = self.enrol(case)
        now = CORPUS_NOW
        step: str | None = None
        highest = Disposition.NONE
        rules: tuple[str, ...] = ()
        asked = False
        replies: list[str] = []
        for text, after_minutes in case.turns:
            now += timedelta(minutes=after_minutes)
            routed = screen_intent(text, None, now)
            if routed not in (REPORT, CHOOSE_NUMBER) and step is None:
                replies.append("(not a report: answered as a question)")
                continue
            turn = conversation.report(self.rt, phone, text, step, now=now)
            step = turn.step_slot
            replies.extend(turn.messages)
            asked = asked or _asks(turn)
            with unit_of_work(self.rt.sessions) as session:
                patient = session.get(Patient, patient_id)
                assessment = assess_patient(session, patient, now, self.rt.settings.profile)
            if assessment.disposition.rank > highest.rank:
                highest = assessment.disposition
                rules = tuple(dict.fromkeys(rule.rule for rule in assessment.fired))
        # a page may carry what the rules saw only in that message (a quoted team threshold)
        pages = self._pages(patient_id)
        highest = max([highest, *pages], key=lambda disposition: disposition.rank)
        return Outcome(
            case=case,
            paged=bool(pages),
            disposition=highest.value,
            rules=rules,
            asked=asked,
            replies=tuple(replies),
        )

    def _pages(self, patient_id: int) -> list[Disposition]:
        """The dispositions the care team was paged with for this patient."""
        with unit_of_work(self.rt.sessions) as session:
            rows = session.query(Escalation).filter(Escalation.patient_id == patient_id)
            return [Disposition(row.disposition) for row in rows]


def _asks(turn: conversation.Turn) -> bool:
    """The reply asks the texter to check a number or say more (not the symptom checklist)."""
    asking = (conversation.Step.TEMPERATURE, conversation.Step.CONFIRM_TEMPERATURE)
    return turn.step in asking or any(
        "?" in message and "Any of these now?" not in message for message in turn.messages
    )


def run_cases(cases: Iterable[Case]) -> list[Outcome]:
    clinics: dict[str, Clinic] = {}
    outcomes = []
    with tempfile.TemporaryDirectory() as data_dir:
        for case in cases:
            profile = str(case.context.get("profile") or "default")
            if profile not in clinics:
                clinics[profile] = Clinic(profile, Path(data_dir))
            outcomes.append(clinics[profile].run(case))
    return outcomes


# --- figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    file: str
    items: int
    flows: int
    must_page: int
    paged: int
    must_not_page: int
    not_paged: int
    must_ask: int
    asked: int
    same_urgency: int

    @property
    def sensitivity(self) -> float:
        return self.paged / self.must_page if self.must_page else 1.0

    @property
    def specificity(self) -> float:
        return self.not_paged / self.must_not_page if self.must_not_page else 1.0

    @property
    def urgency_agreement(self) -> float:
        total = self.items + self.flows
        return self.same_urgency / total if total else 1.0


def figures(file: str, outcomes: Sequence[Outcome]) -> Figures:
    def count(expect: str, ok: bool | None = None) -> int:
        return sum(
            1 for o in outcomes if o.case.expect == expect and (ok is None or o.correct is ok)
        )

    return Figures(
        file=file,
        items=sum(1 for o in outcomes if not o.case.is_flow),
        flows=sum(1 for o in outcomes if o.case.is_flow),
        must_page=count("page"),
        paged=count("page", True),
        must_not_page=count("no_page"),
        not_paged=count("no_page", True),
        must_ask=count("ask"),
        asked=count("ask", True),
        same_urgency=sum(1 for o in outcomes if o.same_urgency),
    )


def render(result: Figures, outcomes: Sequence[Outcome], *, show_misses: bool = True) -> str:
    lines = [
        f"== {result.file}: {result.items} messages, {result.flows} flows",
        f"  must page:      {result.paged}/{result.must_page} paged "
        f"(sensitivity {result.sensitivity:.1%})",
        f"  must not page:  {result.not_paged}/{result.must_not_page} not paged "
        f"(specificity {result.specificity:.1%})",
        f"  must ask:       {result.asked}/{result.must_ask} asked or paged",
        f"  urgency agreement: {result.same_urgency}/{result.items + result.flows} "
        f"({result.urgency_agreement:.1%})",
    ]
    if not show_misses:
        lines.append("  (held-out: which items missed is not shown)")
        return "\n".join(lines)
    misses = [o for o in outcomes if not o.correct]
    for title, expect in (
        ("MISSED (must page, did not)", "page"),
        ("Over-escalated (must not page, paged)", "no_page"),
        ("Did not ask", "ask"),
    ):
        chosen = [o for o in misses if o.case.expect == expect]
        if not chosen:
            continue
        lines.append(f"  {title}: {len(chosen)}")
        for outcome in chosen:
            texts = " | ".join(text for text, _ in outcome.case.turns)
            lines.append(
                f"    {outcome.case.id}: {texts!r} -> {outcome.disposition} "
                f"{list(outcome.rules)} (expected {outcome.case.disposition} "
                f"{list(outcome.case.rules)})"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", action="append", type=Path, help="corpus files (default: all)")
    parser.add_argument("--no-fail", action="store_true", help="always exit 0")
    parser.add_argument("--json", type=Path, help="also write the figures and misses here")
    args = parser.parse_args(argv)
    files = args.file or [path for path in CORPUS_FILES if path.exists()]
    all_missed = 0
    report: dict[str, Any] = {}
    for path in files:
        outcomes = run_cases(load_cases(path))
        result = figures(path.name, outcomes)
        heldout = path.name in HELDOUT_FILES
        print(render(result, outcomes, show_misses=not heldout))
        all_missed += result.must_page - result.paged
        report[path.name] = {
            **asdict(result),
            "sensitivity": result.sensitivity,
            "specificity": result.specificity,
            "urgency_agreement": result.urgency_agreement,
            "misses": []
            if heldout
            else [
                {"id": o.case.id, "got": o.disposition, "rules": list(o.rules)}
                for o in outcomes
                if not o.correct
            ],
        }
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if all_missed and not args.no_fail:
        print(f"FAIL: {all_missed} must-page item(s) did not page")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
