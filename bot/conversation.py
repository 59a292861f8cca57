"""What Nadir says back, turn by turn: the use cases behind the Rasa actions.

Each function takes the runtime, the sender's phone number and what the dialogue knows (the
pending report step), does its work in one database transaction, and returns the SMS texts to
send and the next report step. Actions only translate between the tracker and these functions.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clinical.advice import patient_advice
from bot.clinical.anc import anc_band, parse_anc
from bot.clinical.checklist import CHECKLIST, checklist_prompt, parse_checklist_reply
from bot.clinical.model import (
    Clinic,
    Disposition,
    ParsedTemperature,
    ReadingProblem,
    Reporter,
    SymptomCode,
    SymptomMention,
    TeamThresholds,
)
from bot.clinical.numbers import SMALL_NUMBER_WORDS
from bot.clinical.page import clock_time
from bot.clinical.profiles import celsius_to_fahrenheit
from bot.clinical.report import ParsedReport, checklist_mentions, parse_report, with_symptoms
from bot.clinical.rules import SYMPTOM_LABELS
from bot.clinical.temperature import plausible_unit, to_celsius
from bot.db.models import SymptomReportRow
from bot.db.session import unit_of_work
from bot.knowledge import KnowledgeBase, load_knowledge_base, render
from bot.runtime import Runtime, utc_now
from bot.services import escalation
from bot.services.enrolment import Caller, CallerKind, identify
from bot.services.reporting import ReportResult, assess_patient, store_report


class Step(str, enum.Enum):
    """The question of a guided report (or a numbered menu) that is waiting for an answer."""

    TEMPERATURE = "temperature"
    CONFIRM_TEMPERATURE = "confirm_temperature"  # "Is 39 her temperature?"
    CHECKLIST = "checklist"
    DIARRHOEA_COUNT = "diarrhoea_count"
    MENU = "menu"


@dataclass(frozen=True)
class Turn:
    messages: tuple[str, ...]
    step: Step | None = None
    # the number a CONFIRM_TEMPERATURE step asks about ("Is 39 her temperature?")
    asked_about: float | None = None
    # carries emergency or urgent advice: delivered even to a number that opted out of texts
    urgent: bool = False
    # the step was offered again after a question in between: the next question drops it
    reoffered: bool = False
    # the intents a clarifying menu offers by number ("Do you mean: 1 ... 2 ...")
    choices: tuple[str, ...] = ()

    @property
    def step_slot(self) -> str | None:
        """The pending step as the dialogue stores it: "confirm_temperature:39" keeps the number,
        "checklist;reoffered" marks a step already offered again once."""
        if self.step is None:
            return None
        slot = self.step.value
        if self.step is Step.CONFIRM_TEMPERATURE and self.asked_about is not None:
            slot = f"{slot}:{self.asked_about:g}"
        if self.step is Step.MENU and self.choices:
            slot = f"{slot}:{','.join(self.choices)}"
        return slot + _REOFFERED if self.reoffered else slot


_REOFFERED = ";reoffered"


def _step(value: str | None) -> Step | None:
    try:
        return Step(value.split(";")[0].split(":")[0]) if value else None
    except ValueError:
        return None


def _menu_choices(value: str | None) -> tuple[str, ...]:
    """The intents in a "menu:ask_pets,ask_litter_box" step, in the order offered."""
    step, _, rest = (value or "").split(";")[0].partition(":")
    if step != Step.MENU.value or not rest:
        return ()
    return tuple(choice for choice in rest.split(",") if choice)


def _was_reoffered(value: str | None) -> bool:
    return bool(value) and str(value).endswith(_REOFFERED)


def _asked_about(value: str | None) -> float | None:
    """The number in a "confirm_temperature:39" step; None for any other."""
    value = (value or "").split(";")[0]
    if ":" not in value:
        return None
    try:
        return float(value.split(":", 1)[1])
    except ValueError:
        return None


def _keep_step(step_value: str | None) -> dict[str, object]:
    """The Turn fields that keep a pending step (and its number) while something else is said."""
    return {
        "step": _step(step_value),
        "asked_about": _asked_about(step_value),
        "reoffered": _was_reoffered(step_value),
    }


def describe_reading(
    reading: ParsedTemperature, tz: tzinfo, now: datetime, since: datetime | None = None
) -> str:
    """ "38.5C (101.3F) armpit at 2:05pm"; with `since`, a reading held from then on."""
    text = _both_units(reading.celsius or 0.0)
    if reading.from_range:
        text += f' (the highest of "{reading.raw.strip()[:20]}")'
    if reading.site is not None:
        text += f" {reading.site.value}"
    if since is not None:
        text += " from " + _clock(since, tz, now)
    elif (now - reading.measured_at).total_seconds() > 300:
        text += " at " + _clock(reading.measured_at, tz, now)
    return text


def _describe_readings(
    readings: tuple[ParsedTemperature, ...], tz: tzinfo, now: datetime
) -> list[str]:
    """One line per reading; a reading held for a while ("38.1 for 2 hrs", two readings with
    the same words) is one line: "38.1C (100.6F) from 8:10am"."""
    lines: list[str] = []
    index = 0
    while index < len(readings):
        reading = readings[index]
        following = readings[index + 1] if index + 1 < len(readings) else None
        if following is not None and (following.raw, following.value) == (
            reading.raw,
            reading.value,
        ):
            lines.append(describe_reading(following, tz, now, since=reading.measured_at))
            index += 2
            continue
        lines.append(describe_reading(reading, tz, now))
        index += 1
    return lines


def _clock(moment: datetime, tz: tzinfo, now: datetime) -> str:
    local = moment.astimezone(tz)
    label = clock_time(moment, tz)
    if local.date() != now.astimezone(tz).date():
        label += (
            " yesterday"
            if (now.astimezone(tz).date() - local.date()).days == 1
            else local.strftime(" %b %d")
        )
    return label


def describe_symptom(symptom: SymptomMention) -> str:
    words = SYMPTOM_LABELS[symptom.code]
    if symptom.count:
        words += f" x{symptom.count}"
    return words


def _saved_line(result: ReportResult, tz: tzinfo, now: datetime) -> str:
    parts = _describe_readings(result.readings, tz, now)
    parts += [describe_symptom(s) for s in result.symptoms]
    parts += [
        f"{d.medicine.value} taken at {_clock(d.taken_at, tz, now)}" for d in result.fever_reducers
    ]
    who = " for the patient" if result.reporter is Reporter.CAREGIVER else ""
    return f"Saved{who}: " + "; ".join(parts) + "."


def _rejected_line(rejected: tuple[ParsedTemperature, ...], clinic: Clinic, text: str) -> str:
    unsure = _age_or_temperature(rejected)
    if unsure is not None:
        return _age_or_temperature_question(unsure, clinic, text)
    shown = ", ".join(f'"{r.raw.strip()[:20] or r.value}"' for r in rejected[:3])
    return (
        f"I could not use {shown} as a temperature, so I did not save it. Please check the "
        "thermometer and text the number again, like 38.2 or 100.8F."
    )


def _age_or_temperature_question(reading: ParsedTemperature, clinic: Clinic, text: str) -> str:
    """ "she is 39": an age, or a temperature? Asked, never dropped (issue 10, problem 7)."""
    words = set(re.findall(r"[a-z]+", text.lower().replace("'", "")))
    whose = "the"
    if words & {"she", "shes", "her", "mum", "mom", "wife", "daughter", "sister", "gran"}:
        whose = "her"
    elif words & {"he", "hes", "his", "him", "dad", "husband", "son", "brother", "grandad"}:
        whose = "his"
    elif words & {"i", "im", "me", "my"}:
        whose = "your"
    number = f"{reading.value:g}"
    return (
        f"Is {number} {whose} temperature? If it is, text it again with C or F, like "
        f"{number}C. If you are worried, call {clinic.phone_24h} now, day or night."
    )


def _not_enrolled(clinic: Clinic, urgent: bool) -> Turn:
    if urgent:
        return Turn(
            urgent=True,
            messages=(
                f"This sounds serious. Call {clinic.emergency_number} or go to the nearest emergency "
                f"department now. If you are having chemotherapy, tell them, and call {clinic.phone_24h}.",
            ),
        )
    return Turn(
        (
            f"I don't have this number on file, so I can't save readings. If you are a patient of "
            f"{clinic.name}, ask your care team to enroll this number. If you are on chemotherapy "
            f"and have a temperature or feel unwell, call {clinic.phone_24h} now.",
        )
    )


def _care_team_number(clinic: Clinic) -> Turn:
    return Turn(
        (
            "This number is on the care team list, so it can't send patient reports. Text STATUS "
            "for open alerts, or ACK and the code to acknowledge one.",
        )
    )


def _advice(rt: Runtime, result: ReportResult, paged: bool) -> str | None:
    assessment = result.assessment
    if assessment is None:
        return None
    if assessment.disposition is Disposition.NONE and assessment.advice == "none":
        return None
    return patient_advice(
        assessment, rt.settings.clinic, result.reporter, paged=paged, profile=rt.settings.profile
    )


def _report_turn(
    rt: Runtime,
    result: ReportResult,
    paged: bool,
    now: datetime,
    ask_next: Step | None,
    text: str = "",
) -> Turn:
    tz = rt.settings.timezone
    messages: list[str] = []
    advice = _advice(rt, result, paged)
    urgent = result.assessment is not None and result.assessment.pages_care_team
    if advice and _ASKS_WHETHER_TO_CALL.search(text):
        # "would you phone with 37.8?" is answered first, then the how (issue 10, problem 12)
        advice = ("Yes, call now. " if urgent else "Not yet at this reading. ") + advice
    if urgent and advice:
        messages.append(advice)  # what to do now comes first
    if result.stored_anything:
        messages.append(_saved_line(result, tz, now))
    if result.rejected:
        messages.append(_rejected_line(result.rejected, rt.settings.clinic, text))
    if advice and not urgent:
        messages.append(advice)
    if result.team is not None:
        messages.append(_follow_your_team(rt, result.team))
    if not advice and messages:
        # the safety net: a reply to a report always says when to call (issue 10, problem 8)
        messages[-1] += " " + when_to_call(rt)
    if urgent:
        ask_next = None  # no questionnaire while someone should be on the phone
    if ask_next is Step.CHECKLIST:
        messages.append(checklist_prompt())
    elif ask_next is Step.DIARRHOEA_COUNT:
        messages.append("How many times have you had diarrhea in the last 24 hours? Text a number.")
    elif ask_next is Step.TEMPERATURE and not result.rejected:
        messages.append(ask_temperature_text())
    return Turn(tuple(messages), ask_next, urgent=urgent)


_ASKS_WHETHER_TO_CALL = re.compile(
    r"\b(?:should|shall|do|would|must|need to|can)\s+(?:i|we|you)\s+(?:\w+\s+){0,2}?"
    r"(?:call|ring|phone|go in|go to|contact)\b|\b(?:call|ring|phone)\s+(?:now\s+)?or\s+wait"
    r"|\bis (?:it|that) (?:time|worth|enough) (?:to )?(?:call|ring|phone)",
    re.IGNORECASE,
)


def _follow_your_team(rt: Runtime, team: TeamThresholds) -> str:
    """The team's own instructions win over Nadir's defaults (issue 10, problem 12)."""
    limits = []
    if team.at_or_above_c is not None:
        limits.append(f"{_both_units(team.at_or_above_c)} or higher")
    if team.below_c is not None:
        limits.append(f"below {_both_units(team.below_c)}")
    return (
        f"Follow your own team's instructions: you said they say to call at {' or '.join(limits)}."
        f" If your reading is there, call {rt.settings.clinic.phone_24h} now, day or night."
    )


def _both_units(celsius: float) -> str:
    return f"{celsius:.1f}C ({celsius_to_fahrenheit(celsius):.1f}F)"


def ask_temperature_text() -> str:
    return (
        "What is the temperature now? Text the number, like 38.2 or 100.8F. If you can't take it, "
        "text SKIP. Text NEVER MIND to stop the report."
    )


def _store_and_escalate(
    rt: Runtime,
    caller: Caller,
    parsed: ParsedReport,
    text: str,
    now: datetime,
    diarrhoea_count: int | None = None,
) -> tuple[ReportResult, bool]:
    """Store the facts, assess, and page the care team when the assessment says so.

    `diarrhoea_count` answers "how many times?": it is the count of the diarrhoea already
    reported, not a new episode.
    """
    with unit_of_work(rt.sessions) as session:
        fresh = identify(session, caller.phone, rt.settings.default_region)
        if diarrhoea_count is not None:
            _set_latest_diarrhoea_count(session, fresh, diarrhoea_count)
        result = store_report(
            session, caller=fresh, parsed=parsed, text=text, now=now, profile=rt.settings.profile
        )
        if result.assessment is None and diarrhoea_count is not None:
            assessment = assess_patient(
                session, fresh.patient, now, rt.settings.profile, latest_reporter=result.reporter
            )
            result = replace(result, assessment=assessment)
        paged = escalation.act_on(session, rt.settings, fresh, result.assessment, now)
    escalation.flush_outbox(rt)
    return result, paged


def _set_latest_diarrhoea_count(session: Session, caller: Caller, count: int) -> None:
    row = session.execute(
        select(SymptomReportRow)
        .where(
            SymptomReportRow.patient_id == caller.patient.id,
            SymptomReportRow.code == SymptomCode.DIARRHOEA.value,
        )
        .order_by(SymptomReportRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is not None:
        row.count = count
        session.flush()


def report(
    rt: Runtime, phone: str, text: str, step_value: str | None, now: datetime | None = None
) -> Turn:
    """A message that may carry a temperature, symptoms, or the answer to a report question.

    `now` is the time the message arrived (the current time unless a caller replays a clock).
    Every message is parsed in full, whatever question it answers (clinical/report.py).
    """
    now = now or utc_now()
    step = _step(step_value)
    with unit_of_work(rt.sessions) as session:
        caller = identify(session, phone, rt.settings.default_region)
    # a patient's "my husband has a cough" is someone else's cough; a caregiver's is the patient's
    texter = {
        CallerKind.PATIENT: Reporter.PATIENT,
        CallerKind.CAREGIVER: Reporter.CAREGIVER,
    }.get(caller.kind)
    parsed = parse_report(text, now, rt.settings.timezone, texter)
    if caller.kind is CallerKind.CARE_TEAM:
        return _care_team_number(rt.settings.clinic)
    if caller.kind is CallerKind.UNKNOWN:
        serious = any(s.red_flag for s in parsed.symptoms) or any(
            (r.celsius or 0) >= 38.0 for r in parsed.readings
        )
        return _not_enrolled(rt.settings.clinic, serious)
    if step is not None:
        answered = _answer_pending_step(
            rt, caller, step, text, parsed, now, _asked_about(step_value), _menu_choices(step_value)
        )
        if answered is not None:
            return answered
    if not parsed.has_clinical_content:
        return _nothing_to_record(rt, step, parsed, _asked_about(step_value))
    return _record(rt, caller, parsed, text, now)


def _record(
    rt: Runtime,
    caller: Caller,
    parsed: ParsedReport,
    text: str,
    now: datetime,
    *,
    answered_checklist: bool = False,
    diarrhoea_count: int | None = None,
) -> Turn:
    result, paged = _store_and_escalate(rt, caller, parsed, text, now, diarrhoea_count)
    ask_next: Step | None = None
    unsure = _age_or_temperature(result.rejected)
    if unsure is not None:
        ask_next = Step.CONFIRM_TEMPERATURE
    elif result.rejected and not result.stored_anything:
        ask_next = Step.TEMPERATURE
    elif (
        result.readings
        and not result.symptoms
        and not result.says_no_symptoms
        and not answered_checklist
    ):
        ask_next = Step.CHECKLIST
    elif diarrhoea_count is None and _needs_diarrhoea_count(result.symptoms):
        ask_next = Step.DIARRHOEA_COUNT
    turn = _report_turn(rt, result, paged, now, ask_next, text)
    if turn.step is Step.CONFIRM_TEMPERATURE and unsure is not None:
        turn = replace(turn, asked_about=unsure.value)
    if diarrhoea_count is None:
        return turn
    counted = f"Saved: diarrhea {diarrhoea_count} times in 24 hours."
    return replace(turn, messages=(counted, *turn.messages))


def _age_or_temperature(rejected: tuple[ParsedTemperature, ...]) -> ParsedTemperature | None:
    return next((r for r in rejected if r.problem is ReadingProblem.AGE_OR_TEMPERATURE), None)


def _needs_diarrhoea_count(symptoms: tuple[SymptomMention, ...]) -> bool:
    return any(s.code is SymptomCode.DIARRHOEA and not s.count for s in symptoms)


NOTED_NONE = "Thanks, noted: none of those. Text me any time something changes."


def _answer_pending_step(
    rt: Runtime,
    caller: Caller,
    step: Step,
    text: str,
    parsed: ParsedReport,
    now: datetime,
    asked_about: float | None = None,
    choices: tuple[str, ...] = (),
) -> Turn | None:
    """The reply to a question Nadir asked (menu, checklist, diarrhoea count); None if it isn't one.

    The step's numbers are added on top of everything else the reply says, never instead of it.
    """
    # a menu's number ("2") is a choice, never a temperature to check
    menu_numbers = set(range(1, max(len(choices) + 1, 3) + 1))
    menu_reply = (
        step is Step.MENU and not _without_numbers(parsed, menu_numbers).has_clinical_content
    )
    if menu_reply and choices:
        picked = text.strip().strip(".#")
        if picked.isdigit() and 1 <= int(picked) <= len(choices):
            return answer_question(rt, choices[int(picked) - 1], text, None).turn
        if picked.isdigit() and int(picked) == len(choices) + 1:
            return Turn((_ASK_IN_YOUR_WORDS,))
    if menu_reply and not choices:
        choice = text.strip().strip(".#")
        if choice == "1":
            return start_report(rt, caller.phone)
        if choice == "2":
            return Turn((_ASK_IN_YOUR_WORDS,))
        if choice == "3":
            return answer_question(rt, "ask_fever_threshold", text, None).turn
    if step is Step.CONFIRM_TEMPERATURE and not parsed.readings:
        confirmed = _confirm_temperature(text, asked_about)
        if confirmed is True:
            return _record(
                rt, caller, replace(parsed, readings=(_asked_reading(asked_about, now),)), text, now
            )
        if confirmed is False:
            noted = f"Thanks, noted: {asked_about:g} is not a temperature."
            if not parsed.has_clinical_content:
                return Turn((f"{noted} {when_to_call(rt)}",))
            # "no, she's 39 on Thursday, but she's not herself": the rest is still a report
            turn = _record(rt, caller, parsed, text, now)
            return replace(turn, messages=(noted, *turn.messages))
    if step is Step.DIARRHOEA_COUNT:
        count = _first_count(text, parsed)
        if count is not None:
            rest = _without_numbers(parsed, {count})
            rest = replace(
                rest,
                symptoms=tuple(
                    s for s in rest.symptoms if s.code is not SymptomCode.DIARRHOEA or s.count
                ),
            )
            return _record(rt, caller, rest, text, now, diarrhoea_count=count)
    if step is Step.CHECKLIST:
        choice = parse_checklist_reply(text)
        if choice is None:
            return None
        chosen_numbers = {number for number, code, _ in CHECKLIST if code in choice.codes}
        rest = _without_numbers(parsed, {0, *chosen_numbers, *map(int, choice.invalid)})
        if choice.invalid and not rest.has_clinical_content:
            return Turn(
                (f"Please use the numbers on the list. {checklist_prompt()}",), Step.CHECKLIST
            )
        chosen = with_symptoms(rest, checklist_mentions(choice.codes, text, now))
        if not chosen.has_clinical_content:
            return Turn((NOTED_NONE,))
        return _record(rt, caller, chosen, text, now, answered_checklist=True)
    return None


_YES_RE = re.compile(
    r"^\W*(?:y|yes|yeah|yea|yep|yup|aye|correct|right|that's right|thats right|it is|yes it is"
    r"|yes that's her temp|temp|temperature|her temp|his temp|my temp)\b",
    re.IGNORECASE,
)
_NO_RE = re.compile(
    r"^\W*(?:n|no|nope|nah)\b|\b(?:age|years? old|yrs old|how old)\b", re.IGNORECASE
)


def _confirm_temperature(text: str, asked_about: float | None) -> bool | None:
    """True for "yes", False for "no, that's her age", None when the reply is something else."""
    if asked_about is None:
        return None
    if _NO_RE.search(text):
        return False
    return True if _YES_RE.search(text) else None


def _asked_reading(value: float | None, now: datetime) -> ParsedTemperature:
    """The number asked about, confirmed as a temperature (its unit from the plausible range)."""
    number = value or 0.0
    unit = plausible_unit(number) or "C"
    return ParsedTemperature(
        raw=f"{number:g} (confirmed)",
        value=number,
        unit_given=None,
        celsius=to_celsius(number, unit),
        site=None,
        measured_at=now,
    )


def _without_numbers(parsed: ParsedReport, numbers: set[int]) -> ParsedReport:
    """`parsed` less the numbers that answer the pending question ("6" is a count, "3" a
    choice): they were never meant as temperatures."""
    return replace(
        parsed,
        rejected=tuple(r for r in parsed.rejected if r.value not in numbers),
    )


def _nothing_to_record(
    rt: Runtime, step: Step | None, parsed: ParsedReport, asked_about: float | None = None
) -> Turn:
    if parsed.unclear and step is None:
        return Turn((_clarifying_question(rt),))
    if step is Step.TEMPERATURE:
        return Turn((checklist_prompt(),), Step.CHECKLIST)  # "skip", "no thermometer"
    if step is Step.CHECKLIST and parsed.says_no_symptoms:
        return Turn((NOTED_NONE,))
    if step is not None:
        # the number asked about is kept, so "yes" can still confirm it
        return Turn((_still_waiting(step, asked_about),), step, asked_about)
    return Turn(
        (
            "Thanks. To report, text your temperature (like 38.2 or 100.8F) and any symptoms. "
            "To ask a question, just ask.",
        )
    )


def _clarifying_question(rt: Runtime) -> str:
    """Clinical words, nothing that could be recorded ("she feels funny"): ask, never guess."""
    return (
        "I want to be sure I understand. How do they seem right now? Text a temperature if "
        "you can take one, and any symptoms, like chills, cough or feeling unwell. "
        + when_to_call(rt)
    )


def _still_waiting(step: Step, asked_about: float | None = None) -> str:
    if step is Step.CONFIRM_TEMPERATURE:
        number = "that number" if asked_about is None else f"{asked_about:g}"
        return f"Was {number} a temperature? Text YES, or text the temperature with C or F."
    if step is Step.CHECKLIST:
        return f"Sorry, I didn't get that. {checklist_prompt()}"
    if step is Step.DIARRHOEA_COUNT:
        return "How many times in the last 24 hours? Text a number, or NEVER MIND to stop."
    return ask_temperature_text()


def _first_count(text: str, parsed: ParsedReport) -> int | None:
    """The first small number or number word in `text` that is not one of its readings."""
    words = {**SMALL_NUMBER_WORDS, "once": 1, "twice": 2}
    readings = {r.value for r in parsed.readings}
    for token in text.lower().replace(",", " ").split():
        token = token.strip(".!?x")
        if token.isdigit() and 0 < int(token) <= 50 and float(token) not in readings:
            return int(token)
        if token in words:
            return words[token]
    return None


def start_report(rt: Runtime, phone: str) -> Turn:
    with unit_of_work(rt.sessions) as session:
        caller = identify(session, phone, rt.settings.default_region)
    if caller.kind is CallerKind.CARE_TEAM:
        return _care_team_number(rt.settings.clinic)
    if caller.kind is CallerKind.UNKNOWN:
        return _not_enrolled(rt.settings.clinic, urgent=False)
    return Turn((ask_temperature_text(),), Step.TEMPERATURE)


def cancel_report(step_value: str | None) -> Turn:
    if _step(step_value) is None:
        return Turn(("OK. Text me any time: a temperature, a symptom or a question.",))
    return Turn(
        ("OK, I stopped that report. Anything you already sent is saved; nothing else was.",)
    )


def resume_prompt(step_value: str | None) -> str | None:
    """After answering a question mid-report, ask the report's question again: once only."""
    step = _step(step_value)
    if step is None or step is Step.MENU or _was_reoffered(step_value):
        return None
    return "Back to your report: " + _still_waiting(step, _asked_about(step_value))


def _after_a_question(step_value: str | None) -> dict[str, object]:
    """The Turn fields after a question answered mid-report: the step is offered again once;
    a second question in a row drops it (a new question is not forced back into the report)."""
    if _step(step_value) in (None, Step.MENU) or _was_reoffered(step_value):
        return {}
    return {**_keep_step(step_value), "reoffered": True}


# --- questions ----------------------------------------------------------------------------

SMS_BUDGET = 320  # two SMS segments


@functools.lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    return load_knowledge_base()


@dataclass(frozen=True)
class Answer:
    turn: Turn
    topic: str | None  # what MORE continues
    parts_sent: int


def when_to_call(rt: Runtime) -> str:
    """The clinic's own "when to call" line (NADIR_WHEN_TO_CALL), with its 24-hour number."""
    clinic = rt.settings.clinic
    return rt.settings.when_to_call.replace("{phone}", clinic.phone_24h)


def _with_when_to_call(text: str, rt: Runtime) -> tuple[str, ...]:
    line = when_to_call(rt)
    joined = f"{text} {line}"
    return (joined,) if len(joined) <= SMS_BUDGET else (text, line)


def _anc_explanation(text: str) -> str | None:
    value = parse_anc(text)
    if value is None:
        return None
    band = anc_band(value)
    return f"An ANC of {value:g} ({value * 1000:.0f} per uL) is {band}."


def answer_question(rt: Runtime, intent: str, text: str, step_value: str | None) -> Answer:
    clinic = rt.settings.clinic
    topic = knowledge_base().by_intent(intent)
    if topic is None:
        return Answer(
            Turn(
                (
                    "Sorry, I don't have an answer for that. Ask me another way, or call "
                    f"{clinic.phone_24h}.",
                )
            ),
            None,
            0,
        )
    first = render(topic.answer, clinic.name, clinic.phone_24h)
    if topic.more:
        first += " Text MORE for more."
    source = f" Source: {topic.source.organisation}."
    if len(first) + len(source) <= SMS_BUDGET:
        first += source
    messages = _with_when_to_call(first, rt) if topic.touches_fever else (first,)
    explained = _anc_explanation(text) if topic.id == "anc_meaning" else None
    if explained:
        messages = (explained, *messages)  # their own number first, in its own SMS
    resume = resume_prompt(step_value)
    if resume:
        messages += (resume,)
    elif _step(step_value) is Step.CONFIRM_TEMPERATURE and not topic.touches_fever:
        # the number never confirmed as a temperature: the when-to-call line, once more
        messages += (when_to_call(rt),)
    return Answer(
        Turn(messages, **_after_a_question(step_value)), topic.id if topic.more else None, 1
    )


def more(rt: Runtime, topic_id: str | None, parts_sent: int, step_value: str | None) -> Answer:
    clinic = rt.settings.clinic
    topic = knowledge_base().get(topic_id) if topic_id else None
    if topic is None or parts_sent < 1 or parts_sent - 1 >= len(topic.more):
        text = "That's all I have on that. Ask me another question, or text a temperature to report it."
        return Answer(Turn((text,), **_keep_step(step_value)), None, 0)
    part = render(topic.more[parts_sent - 1], clinic.name, clinic.phone_24h)
    has_more = parts_sent < len(topic.more)
    if has_more:
        part += " Text MORE for more."
    source = f"Source: {topic.source.organisation}, reviewed {topic.reviewed:%b %Y}."
    messages = (part,) if has_more else (part, source)
    return Answer(
        Turn(messages, **_keep_step(step_value)),
        topic.id if has_more else None,
        parts_sent + 1,
    )


def greet(rt: Runtime, phone: str) -> Turn:
    clinic = rt.settings.clinic
    with unit_of_work(rt.sessions) as session:
        caller = identify(session, phone, rt.settings.default_region)
        name = (
            caller.patient.name.split()[0]
            if caller.kind is CallerKind.PATIENT and caller.patient
            else None
        )
        caregiver_for = (
            caller.patient.name.split()[0]
            if caller.kind is CallerKind.CAREGIVER and caller.patient
            else None
        )
    hello = f"Hi {name}" if name else "Hi"
    if caregiver_for:
        hello += f". You can report for {caregiver_for} here"
    return Turn(
        (
            f"{hello}. This is Nadir from {clinic.name}. Text a temperature (like 38.2 or 100.8F) and "
            "any symptoms, or ask about avoiding infection. In an emergency call "
            f"{clinic.emergency_number}. Text HELP for help.",
        )
    )


def help_text(rt: Runtime) -> Turn:
    clinic = rt.settings.clinic
    return Turn(
        (
            f"Nadir, the {clinic.name} chemo helpline by text. Text a temperature or symptoms to "
            f"report them, or ask a question. 24-hour line: {clinic.phone_24h}. Emergency: "
            f"{clinic.emergency_number}. Text STOP to stop messages.",
        )
    )


def goodbye() -> Turn:
    return Turn(("You're welcome. Text me any time, day or night.",))


_ASK_IN_YOUR_WORDS = "Ask me in your own words, like: can I eat sushi? can I keep my cat?"
MAX_TOPIC_CHOICES = 2

MENU_TEXT = (
    "Sorry, I didn't understand. Reply with a number: 1 Report a temperature or symptom. "
    "2 Ask about infection, food, pets or visitors. 3 What counts as a fever."
)


def fallback(rt: Runtime, phone: str, likeliest: Sequence[str] = ()) -> Turn:
    """Not sure what was meant: the two likeliest topics by number, or the general menu.

    `likeliest`: the classifier's intents, most likely first; the ones with an answer are
    offered."""
    topics = [
        topic
        for topic in (knowledge_base().by_intent(intent) for intent in likeliest)
        if topic is not None
    ][:MAX_TOPIC_CHOICES]
    if topics:
        clinic = rt.settings.clinic
        numbered = " ".join(f"{n} {topic.title}." for n, topic in enumerate(topics, start=1))
        text = (
            f"I want to answer the right question. Do you mean: {numbered} "
            f"{len(topics) + 1} Something else. Reply with a number. If you feel unwell, call "
            f"{clinic.phone_24h} now."
        )
        return Turn((text,), Step.MENU, choices=tuple(topic.intent for topic in topics))
    return _general_menu(rt, phone)


def _general_menu(rt: Runtime, phone: str) -> Turn:
    clinic = rt.settings.clinic
    with unit_of_work(rt.sessions) as session:
        known = identify(session, phone, rt.settings.default_region).kind is not CallerKind.UNKNOWN
    enrol = "" if known else f" To report readings, ask {clinic.name} to enroll this number."
    return Turn(
        (f"{MENU_TEXT} If you feel unwell, call {clinic.phone_24h} now.{enrol}",), Step.MENU
    )
