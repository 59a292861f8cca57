"""The clinical rule engine: rules R0-R12 of clinical-anchors §7.

`assess` looks at what was reported in the last `history_window_hours` and returns the highest
disposition of every rule that fired, with a plain-English reason per rule for the care team.

Conservative choices where the reference leaves room (each is tested):
- No chemo dates on record counts as ON chemo: an enrolled patient whose dates were not entered
  is still a chemo patient. Only dates that are all more than `chemo_lookback_days` in the past
  make a patient "not on chemo" (a future date counts as on chemo).
- An ANC below 1.0 in the last 48 h makes the patient presumed neutropenic even when the chemo
  dates say otherwise, and even when a newer normal count exists (§6 "always counts").
- Any non-red-flag symptom in a patient on chemo is URGENT (R9), including vomiting, mouth
  sores, rash, new pain, dizziness and breathlessness that is not severe; feeling generally
  unwell counts too (§3 last row). Diarrhoea is urgent from 4 episodes in the window (an
  episode count that was not given counts as 1); fewer episodes ask for a recheck.
- No symptoms reported is taken as "feeling well" for R7 and R8; the conversation asks.
- A single 38.0-38.2 C, 37.5-37.9 C or <36 C reading only asks for a recheck when it is the
  latest reading (a normal recheck resolves it); with any symptom it escalates whenever it was.
- A reading taken within `fever_reducer_masking_hours` after a fever reducer may be falsely
  low: it never breaks a run of raised readings, and when it is the latest reading the engine
  acts on the highest reading in the window instead (R10).
- A fever reducer taken in the last 6 h is URGENT (R10) when no temperature was taken in the
  hour before it, when a reading of 37.5 C or more surrounds it, or with chills or feeling unwell.
- Not on chemo (R11): red flags still call emergency services, and anything that would be
  URGENT points to the usual doctor; the care team is still paged (over-escalation is
  acceptable per §7 R11).
- A lower armpit or forehead reading after a raised one from a more reliable site never
  discounts it: it neither ends the recheck nor breaks a sustained run (§6).
- A raised reading reported from earlier ("hit 39.0 last night") stays in view for
  `reported_fever_hold_hours` after it was reported, when it was taken at most that long before.
- R0: a raised reading taken just after a hot drink, food, exercise or a hot bath, below
  `warming_discount_below_c`, is no evidence of fever on its own: recheck in
  `warming_recheck_minutes` (§4), followed up like any recheck; anything else still fires.
- A dose on the team's schedule is not R10 for want of a reading before it; the readings around
  it and feeling feverish still are.
- The team's own threshold, quoted in the latest report, wins (R8 above it, R7 below a low one);
  a borderline reading the texter says is "still" raised does not wait for a recheck (R5).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clinical.model import (
    AncResult,
    Assessment,
    ClinicalHistory,
    Disposition,
    FeverReducerDose,
    FiredRule,
    PatientContext,
    Reading,
    Reporter,
    Site,
    SymptomCode,
    SymptomEvent,
)
from bot.clinical.profiles import RuleProfile, celsius_to_fahrenheit, clinical_celsius


class Advice(str, enum.Enum):
    """What the patient should do now; advice.py turns the key into words."""

    EMERGENCY_SERVICES = "emergency_services"  # R1: call emergency services / go to the ED now
    CALL_TEAM_NOW_FN = "call_team_now_fn"  # R2/R3: febrile neutropenia pathway
    CALL_TEAM_NOW = "call_team_now"  # R4/R7/R8/R9/R10/R12
    RECHECK_1H = "recheck_1h"  # R5, R7 well, R8 (default profile)
    RECHECK_ORAL = "recheck_oral"  # armpit/forehead reading: take it by mouth (and call if urgent)
    WAIT_RECHECK = "wait_recheck"  # taken just after a hot drink or bath: wait 15-30 min, recheck
    USUAL_DOCTOR = "usual_doctor"  # R11: not on chemo
    NONE = "none"


ADVICE_KEYS: frozenset[str] = frozenset(advice.value for advice in Advice)

RED_FLAG_CODES: frozenset[SymptomCode] = frozenset(
    {
        SymptomCode.RIGORS,
        SymptomCode.CONFUSION,
        SymptomCode.SEIZURE,
        SymptomCode.NO_URINE,
        SymptomCode.MOTTLED_SKIN,
        SymptomCode.CHEST_PAIN,
        SymptomCode.SEVERE_BLEEDING,
        SymptomCode.SENSE_OF_DOOM,
    }
)

# Sites that read lower than the mouth: a normal reading there does not reassure (§6).
LESS_RELIABLE_SITES: frozenset[Site] = frozenset({Site.ARMPIT, Site.FOREHEAD})

SYMPTOM_LABELS: dict[SymptomCode, str] = {
    SymptomCode.CHILLS: "chills",
    SymptomCode.RIGORS: "shaking chills (rigors)",
    SymptomCode.SORE_THROAT: "sore throat",
    SymptomCode.COUGH: "cough",
    SymptomCode.SHORT_OF_BREATH: "short of breath",
    SymptomCode.URINARY_PAIN: "pain passing urine",
    SymptomCode.DIARRHOEA: "diarrhoea",
    SymptomCode.VOMITING: "vomiting",
    SymptomCode.MOUTH_SORES: "mouth sores",
    SymptomCode.LINE_SITE: "line-site redness/swelling/pain",
    SymptomCode.SKIN_INFECTION: "red, hot, swollen or oozing skin, wound or eye",
    SymptomCode.CONFUSION: "confusion",
    SymptomCode.SEIZURE: "seizure (fit)",
    SymptomCode.DIZZINESS: "dizziness",
    SymptomCode.UNWELL: "feeling unwell",
    SymptomCode.RASH: "rash",
    SymptomCode.NEW_PAIN: "new pain",
    SymptomCode.NO_URINE: "no urine",
    SymptomCode.MOTTLED_SKIN: "mottled skin",
    SymptomCode.CHEST_PAIN: "chest pain",
    SymptomCode.SEVERE_BLEEDING: "severe bleeding",
    SymptomCode.SENSE_OF_DOOM: "feels something is very wrong",
}

# Symptoms that, with a fever reducer, suggest it was taken for a fever (§6 R10).
_FEVERISH_CODES: frozenset[SymptomCode] = frozenset({SymptomCode.CHILLS, SymptomCode.UNWELL})

# Rules whose URGENT comes from symptoms alone, not from a temperature.
_SYMPTOM_ONLY_RULES: frozenset[str] = frozenset({"R9", "R12"})


def is_red_flag(symptom: SymptomEvent) -> bool:
    return symptom.red_flag or symptom.code in RED_FLAG_CODES


def assess(
    context: PatientContext, history: ClinicalHistory, now: datetime, profile: RuleProfile
) -> Assessment:
    """Apply R0-R12 to everything reported in the window ending at `now`.

    R0 (parsing and validation) happens before this: only valid readings arrive here, and
    symptoms are evaluated whether or not any reading came with them.
    """
    facts = _Facts.gather(context, history, now, profile)
    fired = [
        *_just_after_warming(facts),
        *_red_flags(facts),
        *_fever(facts),
        *_borderline_temperatures(facts, history),
        *_infection_symptoms(facts),
        *_fever_reducers(facts),
        *_caregiver_concern(facts, history),
        *_team_threshold(facts, history),
    ]
    disposition = max(
        (rule.disposition for rule in fired), key=lambda d: d.rank, default=Disposition.NONE
    )
    if disposition.rank > Disposition.RECHECK.rank:
        # a recheck is moot once someone is calling the team: keep the list to what drove it
        fired = [rule for rule in fired if rule.disposition.rank > Disposition.RECHECK.rank]
    return Assessment(
        disposition=disposition,
        fired=tuple(fired),
        advice=_choose_advice(disposition, fired, facts).value,
        recheck_after_minutes=_recheck_minutes(disposition, fired, profile),
        on_chemo=facts.on_chemo,
        presumed_neutropenic=facts.presumed_neutropenic,
    )


def _recheck_minutes(
    disposition: Disposition, fired: Sequence[FiredRule], profile: RuleProfile
) -> int | None:
    if disposition is not Disposition.RECHECK:
        return None
    if all(rule.rule == WARMED_READING_RULE for rule in fired):
        return profile.warming_recheck_minutes
    return profile.recheck_minutes


# --- the facts every rule looks at ------------------------------------------------------------


@dataclass(frozen=True)
class _Fever:
    description: str
    last_reading_at: datetime


@dataclass(frozen=True)
class _Facts:
    profile: RuleProfile
    now: datetime
    on_chemo: bool
    chemo_description: str
    presumed_neutropenic: bool
    neutrophil_description: str
    known_severe: AncResult | None
    readings: tuple[Reading, ...]  # in the window, oldest first, less `warmed`
    # taken just after a hot drink, food, exercise or a hot bath, below the discount limit:
    # no evidence of fever on their own (§4)
    warmed: tuple[Reading, ...]
    symptoms: tuple[SymptomEvent, ...]  # in the window, oldest first
    doses: tuple[FeverReducerDose, ...]  # every dose reported, oldest first

    @classmethod
    def gather(
        cls,
        context: PatientContext,
        history: ClinicalHistory,
        now: datetime,
        profile: RuleProfile,
    ) -> _Facts:
        window_start = now - timedelta(hours=profile.history_window_hours)
        on_chemo, chemo_description = _chemo_status(context, now, profile)
        presumed, neutrophil_description, known_severe = _neutrophil_status(
            context.anc_results, on_chemo, now, profile
        )
        in_view = sorted(
            (r for r in history.readings if _in_view(r, window_start, now, profile)),
            key=lambda r: r.measured_at,
        )
        warmed = [
            r
            for r in in_view
            if r.after_warming and clinical_celsius(r.celsius) < profile.warming_discount_below_c
        ]
        return cls(
            profile=profile,
            now=now,
            on_chemo=on_chemo,
            chemo_description=chemo_description,
            presumed_neutropenic=presumed,
            neutrophil_description=neutrophil_description,
            known_severe=known_severe,
            readings=tuple(r for r in in_view if r not in warmed),
            warmed=tuple(warmed),
            symptoms=tuple(
                sorted(
                    (s for s in history.symptoms if s.occurred_at >= window_start),
                    key=lambda s: s.occurred_at,
                )
            ),
            doses=tuple(sorted(history.fever_reducers, key=lambda d: d.taken_at)),
        )

    @property
    def fn_pathway(self) -> bool:
        """On chemo, or neutropenic by a measured count: the febrile-neutropenia pathway."""
        return self.on_chemo or self.presumed_neutropenic

    @property
    def red_flags(self) -> tuple[SymptomEvent, ...]:
        return tuple(s for s in self.symptoms if is_red_flag(s))

    @property
    def other_symptoms(self) -> tuple[SymptomEvent, ...]:
        return tuple(s for s in self.symptoms if not is_red_flag(s))

    @property
    def diarrhoea_episodes(self) -> int:
        return sum(
            s.count if s.count is not None else 1
            for s in self.other_symptoms
            if s.code is SymptomCode.DIARRHOEA
        )

    @property
    def urgent_symptoms(self) -> tuple[SymptomEvent, ...]:
        """Infection-type symptoms that make a patient on chemo URGENT on their own (R9)."""
        diarrhoea_counts = self.diarrhoea_episodes >= self.profile.diarrhoea_episodes_urgent
        return tuple(
            s
            for s in self.other_symptoms
            if s.code is not SymptomCode.DIARRHOEA or diarrhoea_counts
        )

    def is_masked(self, reading: Reading) -> bool:
        """Taken within the masking time after a fever reducer, so possibly falsely low."""
        masking = timedelta(hours=self.profile.fever_reducer_masking_hours)
        return any(d.taken_at <= reading.measured_at <= d.taken_at + masking for d in self.doses)

    @property
    def reference_reading(self) -> Reading | None:
        """The reading that says how the patient is now: the latest one, unless a fever
        reducer may have lowered it, in which case the highest in the window (R10), or it
        is a lower armpit or forehead reading after one from a more reliable site (§6)."""
        if not self.readings:
            return None
        latest = self.readings[-1]
        if self.is_masked(latest):
            return max(self.readings, key=lambda r: r.celsius)
        if self.is_lower_from_less_reliable_site(latest):
            reliable = [r for r in self.readings if r.site not in LESS_RELIABLE_SITES]
            return reliable[-1]
        return latest

    def is_lower_from_less_reliable_site(self, reading: Reading) -> bool:
        """A reading from a less reliable site that is lower than the latest reading from a
        more reliable one before it: it never discounts that raised reading (§6)."""
        if reading.site not in LESS_RELIABLE_SITES:
            return False
        earlier = [
            r
            for r in self.readings
            if r.site not in LESS_RELIABLE_SITES and r.measured_at <= reading.measured_at
        ]
        return bool(earlier) and earlier[-1].celsius > reading.celsius

    def readings_between(self, low: float | None, high: float | None) -> list[Reading]:
        """Readings with low <= shown value < high (either bound may be open)."""
        return [r for r in self.readings if self.in_band(r, low, high)]

    @staticmethod
    def in_band(reading: Reading | None, low: float | None, high: float | None) -> bool:
        if reading is None:
            return False
        shown = clinical_celsius(reading.celsius)
        return (low is None or shown >= low) and (high is None or shown < high)


def _in_view(reading: Reading, window_start: datetime, now: datetime, profile: RuleProfile) -> bool:
    """Taken inside the window, or a raised reading reported recently (R6: never aged out
    before the team has seen it)."""
    if reading.measured_at >= window_start:
        return True
    hold_start = now - timedelta(hours=profile.reported_fever_hold_hours)
    return (
        reading.reported_at is not None
        and reading.reported_at >= hold_start
        and clinical_celsius(reading.celsius) >= profile.sustained_fever_c
    )


def _chemo_status(context: PatientContext, now: datetime, profile: RuleProfile) -> tuple[bool, str]:
    if not context.chemo_dates:
        return True, "no chemo dates on record, treated as on chemo"
    today = now.date()
    past = [d for d in context.chemo_dates if d <= today]
    future = sorted(d for d in context.chemo_dates if d > today)
    if not past:
        return True, f"first chemo due {future[0].isoformat()}, treated as on chemo"
    days_since = (today - max(past)).days
    description = f"last chemo {_days_ago(days_since)}"
    if days_since <= profile.chemo_lookback_days:
        return True, description
    if future:
        return True, f"{description}, next due {future[0].isoformat()}"
    return False, f"{description}, more than {profile.chemo_lookback_days} days"


def _neutrophil_status(
    results: Sequence[AncResult], on_chemo: bool, now: datetime, profile: RuleProfile
) -> tuple[bool, str, AncResult | None]:
    """(presumed neutropenic, description for the team, known severe result or None)."""

    def age(result: AncResult) -> timedelta:
        return max(now - result.measured_at, timedelta(0))

    low_max_age = timedelta(hours=profile.anc_low_max_age_hours)
    normal_max_age = timedelta(hours=profile.anc_normal_max_age_hours)
    recent_low = [r for r in results if r.value < profile.anc_normal_min and age(r) <= low_max_age]
    recent_normal = [
        r for r in results if r.value >= profile.anc_normal_min and age(r) <= normal_max_age
    ]
    severe = [r for r in recent_low if r.value < profile.anc_severe_below]
    known_severe = min(severe, key=lambda r: r.value) if severe else None

    if recent_low:
        lowest = min(recent_low, key=lambda r: r.value)
        return True, f"ANC {lowest.value:g} measured {_age_text(age(lowest))}", known_severe
    if recent_normal:
        latest = max(recent_normal, key=lambda r: r.measured_at)
        return False, f"ANC {latest.value:g} measured {_age_text(age(latest))}", None
    if results:
        latest = max(results, key=lambda r: r.measured_at)
        description = (
            f"no ANC in the last {profile.anc_normal_max_age_hours} h, "
            f"last ANC {latest.value:g} measured {_age_text(age(latest))}"
        )
    else:
        description = "no ANC on record"
    return on_chemo, description, None


# --- the rules --------------------------------------------------------------------------------


WARMED_READING_RULE = "R0"


def _just_after_warming(facts: _Facts) -> list[FiredRule]:
    """R0 (is the reading valid?): the latest reading was taken just after a hot drink, food,
    exercise or a hot bath and is raised: wait 15-30 minutes, then recheck (§4). Anything
    else that meets a rule still does; a later reading replaces this one."""
    if not facts.warmed:
        return []
    latest = facts.warmed[-1]
    if facts.readings and facts.readings[-1].measured_at > latest.measured_at:
        return []
    if not facts.in_band(latest, facts.profile.low_grade_c, None):
        return []
    return [
        FiredRule(
            WARMED_READING_RULE,
            Disposition.RECHECK,
            f"R0: {_reading_text(latest)} taken just after a hot drink, food, exercise or a hot "
            f"bath: recheck in {facts.profile.warming_recheck_minutes} min",
        )
    ]


def _red_flags(facts: _Facts) -> list[FiredRule]:
    """R1: red flags mean emergency care whatever the temperature (R11: also off chemo)."""
    if not facts.red_flags:
        return []
    reason = f"R1: red flag {_symptom_list(facts.red_flags)}"
    if facts.fn_pathway:
        reason += f" ({facts.chemo_description}); emergency whatever the temperature"
    else:
        reason += f"; not on chemo ({facts.chemo_description}): emergency services (R11)"
    return [FiredRule("R1", Disposition.EMERGENCY, reason)]


def _fever(facts: _Facts) -> list[FiredRule]:
    """R2 (FN), R3 (38.0-38.2 with known severe neutropenia), R4 (fever, recent normal ANC),
    R6 (later lower readings do not cancel a fever), R11 (fever, not on chemo)."""
    profile = facts.profile
    fever = _find_fever(facts)
    fired: list[FiredRule] = []
    if fever is None:
        borderline = facts.readings_between(profile.sustained_fever_c, profile.single_fever_c)
        if facts.known_severe is not None and borderline:
            highest = max(borderline, key=lambda r: r.celsius)
            fired.append(
                FiredRule(
                    "R3",
                    Disposition.EMERGENCY,
                    f"R3: {_reading_text(highest)} with known severe neutropenia "
                    f"(ANC {facts.known_severe.value:g} measured "
                    f"{_age_text(facts.now - facts.known_severe.measured_at)}; "
                    f"{facts.chemo_description})",
                )
            )
        return fired

    if facts.presumed_neutropenic:
        fever_rule = FiredRule(
            "R2",
            Disposition.EMERGENCY,
            f"R2: fever, {fever.description}, with presumed neutropenia "
            f"({facts.chemo_description}; {facts.neutrophil_description})",
        )
    elif facts.on_chemo:
        fever_rule = FiredRule(
            "R4",
            Disposition.URGENT,
            f"R4: fever, {fever.description}, on chemo with a recent normal count "
            f"({facts.neutrophil_description}; {facts.chemo_description})",
        )
    else:
        fever_rule = FiredRule(
            "R11",
            Disposition.URGENT,
            f"R11: fever, {fever.description}, not on chemo "
            f"({facts.chemo_description}): usual doctor",
        )
    fired.append(fever_rule)

    later_lower = [
        r
        for r in facts.readings
        if r.measured_at > fever.last_reading_at
        and clinical_celsius(r.celsius) < profile.sustained_fever_c
    ]
    if later_lower:
        fired.append(
            FiredRule(
                "R6",
                fever_rule.disposition,
                f"R6: later reading {_reading_text(later_lower[-1])} does not cancel the fever",
            )
        )
    return fired


def _find_fever(facts: _Facts) -> _Fever | None:
    """A single reading >= single_fever_c, or readings >= sustained_fever_c spanning at least
    sustained_minutes with none below it in between (masked readings do not break a run)."""
    profile = facts.profile
    singles = facts.readings_between(profile.single_fever_c, None)
    if singles:
        highest = max(singles, key=lambda r: r.celsius)
        return _Fever(_reading_text(highest), highest.measured_at)

    needed = timedelta(minutes=profile.sustained_minutes)
    run: list[Reading] = []
    for reading in facts.readings:
        if clinical_celsius(reading.celsius) >= profile.sustained_fever_c:
            run.append(reading)
            span = run[-1].measured_at - run[0].measured_at
            if span >= needed:
                minutes = int(span.total_seconds() // 60)
                return _Fever(
                    f"{_celsius_text(profile.sustained_fever_c)} or more for {minutes} min "
                    f"({len(run)} readings, {_time_text(run[0].measured_at)} to "
                    f"{_time_text(run[-1].measured_at)}, highest "
                    f"{_celsius_text(max(r.celsius for r in run))})",
                    run[-1].measured_at,
                )
        elif not (facts.is_masked(reading) or facts.is_lower_from_less_reliable_site(reading)):
            run = []
    return None


def _borderline_temperatures(facts: _Facts, history: ClinicalHistory) -> list[FiredRule]:
    """R5 (38.0-38.2), R7 (below 36.0), R8 (37.5-37.9; UK profile escalates)."""
    if _find_fever(facts) is not None:
        return []
    profile = facts.profile
    reference = facts.reference_reading
    symptoms = facts.other_symptoms
    fired: list[FiredRule] = []

    borderline = facts.readings_between(profile.sustained_fever_c, profile.single_fever_c)
    still_raised = history.still_raised and facts.in_band(
        reference, profile.sustained_fever_c, profile.single_fever_c
    )
    if still_raised and reference is not None:
        fired.append(
            FiredRule(
                "R5",
                Disposition.URGENT,
                f"R5: {_reading_text(reference)}, and the texter says it is still raised (for "
                "how long is not known): not waiting for a recheck",
            )
        )
    elif borderline and symptoms:
        fired.append(
            FiredRule(
                "R5",
                Disposition.URGENT,
                f"R5: {_reading_text(max(borderline, key=lambda r: r.celsius))} with "
                f"{_symptom_list(symptoms)}: not waiting for a recheck",
            )
        )
    elif facts.in_band(reference, profile.sustained_fever_c, profile.single_fever_c):
        fired.append(_recheck_rule("R5", f"R5: single {_reading_text(reference)}", profile))

    low = facts.readings_between(None, profile.hypothermia_c)
    if low and symptoms:
        fired.append(
            FiredRule(
                "R7",
                Disposition.URGENT,
                f"R7: low temperature {_reading_text(min(low, key=lambda r: r.celsius))} with "
                f"{_symptom_list(symptoms)}",
            )
        )
    elif facts.in_band(reference, None, profile.hypothermia_c):
        fired.append(
            _recheck_rule(
                "R7",
                f"R7: low temperature {_reading_text(reference)} with no symptoms reported "
                "(possible measurement error)",
                profile,
            )
        )

    if profile.escalate_low_grade_c is not None:
        raised = facts.readings_between(profile.escalate_low_grade_c, profile.single_fever_c)
        if raised:
            fired.append(
                FiredRule(
                    "R8",
                    Disposition.URGENT,
                    f"R8 ({profile.name} profile): "
                    f"{_reading_text(max(raised, key=lambda r: r.celsius))} is at or above "
                    f"{_celsius_text(profile.escalate_low_grade_c)}",
                )
            )
        return fired

    low_grade = facts.readings_between(profile.low_grade_c, profile.sustained_fever_c)
    if low_grade and symptoms:
        fired.append(
            FiredRule(
                "R8",
                Disposition.URGENT,
                f"R8: {_reading_text(max(low_grade, key=lambda r: r.celsius))} with "
                f"{_symptom_list(symptoms)}",
            )
        )
    elif facts.in_band(reference, profile.low_grade_c, profile.sustained_fever_c):
        fired.append(_recheck_rule("R8", f"R8: low-grade {_reading_text(reference)}", profile))
    return fired


def _infection_symptoms(facts: _Facts) -> list[FiredRule]:
    """R9: infection symptoms without fever in a patient on chemo (R11 when not on chemo)."""
    rule = "R9" if facts.fn_pathway else "R11"
    context = (
        f"on chemo ({facts.chemo_description})"
        if facts.fn_pathway
        else f"not on chemo ({facts.chemo_description}): usual doctor"
    )
    urgent = facts.urgent_symptoms
    if urgent:
        return [FiredRule(rule, Disposition.URGENT, f"{rule}: {_symptom_list(urgent)}, {context}")]
    episodes = facts.diarrhoea_episodes
    if episodes:
        return [
            _recheck_rule(
                rule,
                f"{rule}: diarrhoea, {episodes} episode(s) in {facts.profile.history_window_hours}"
                f" h (urgent from {facts.profile.diarrhoea_episodes_urgent}), {context}",
                facts.profile,
            )
        ]
    return []


def _fever_reducers(facts: _Facts) -> list[FiredRule]:
    """R10: a fever reducer in the last few hours may be hiding a fever."""
    if not facts.fn_pathway:
        return []
    profile = facts.profile
    masking = timedelta(hours=profile.fever_reducer_masking_hours)
    pre_dose = timedelta(minutes=profile.pre_dose_reading_max_minutes)
    feverish = [s for s in facts.other_symptoms if s.code in _FEVERISH_CODES]
    for dose in reversed(facts.doses):
        if facts.now - dose.taken_at > masking:
            break
        why: list[str] = []
        # a dose on the team's schedule (Neulasta bone pain) was not taken for a fever: only
        # the readings around it and how the patient feels count
        if not dose.scheduled and not any(
            dose.taken_at - pre_dose <= r.measured_at <= dose.taken_at for r in facts.readings
        ):
            why.append(
                f"no temperature taken in the {profile.pre_dose_reading_max_minutes} min before"
            )
        raised = [
            r
            for r in facts.readings_between(profile.low_grade_c, None)
            if r.measured_at >= dose.taken_at - masking
        ]
        if raised:
            why.append(f"around a reading of {_reading_text(max(raised, key=lambda r: r.celsius))}")
        if feverish:
            why.append(f"with {_symptom_list(feverish)}")
        if why:
            return [
                FiredRule(
                    "R10",
                    Disposition.URGENT,
                    f"R10: {dose.medicine.value} taken at {_time_text(dose.taken_at)} "
                    f"{'; '.join(why)}: it may be hiding a fever, later readings are unreliable",
                )
            ]
    return []


def _caregiver_concern(facts: _Facts, history: ClinicalHistory) -> list[FiredRule]:
    """R12: a caregiver's worry about changed behaviour is itself a warning sign."""
    if not history.caregiver_concern:
        return []
    reason = "R12: caregiver is worried about a change in behaviour"
    if not facts.fn_pathway:
        reason += f"; not on chemo ({facts.chemo_description}): usual doctor"
    return [FiredRule("R12", Disposition.URGENT, reason)]


def _team_threshold(facts: _Facts, history: ClinicalHistory) -> list[FiredRule]:
    """R8/R7 with the team's own numbers: the patient's card or nurse says to call at a
    temperature this profile would only recheck; the team's protocol wins."""
    team = history.team
    if team is None or not facts.fn_pathway:
        return []
    fired = []
    if team.at_or_above_c is not None and (
        raised := facts.readings_between(team.at_or_above_c, None)
    ):
        highest = max(raised, key=lambda r: r.celsius)
        fired.append(
            FiredRule(
                "R8",
                Disposition.URGENT,
                f"R8 (the team's own threshold): {_reading_text(highest)} is at or above the "
                f"{_celsius_text(team.at_or_above_c)} the patient's instructions give",
            )
        )
    if team.below_c is not None and (low := facts.readings_between(None, team.below_c)):
        lowest = min(low, key=lambda r: r.celsius)
        fired.append(
            FiredRule(
                "R7",
                Disposition.URGENT,
                f"R7 (the team's own threshold): {_reading_text(lowest)} is below the "
                f"{_celsius_text(team.below_c)} the patient's instructions give",
            )
        )
    return fired


def _recheck_rule(rule: str, reason: str, profile: RuleProfile) -> FiredRule:
    return FiredRule(
        rule, Disposition.RECHECK, f"{reason}: recheck in {profile.recheck_minutes} min"
    )


def _choose_advice(disposition: Disposition, fired: Sequence[FiredRule], facts: _Facts) -> Advice:
    latest = facts.readings[-1] if facts.readings else None
    from_less_reliable_site = latest is not None and latest.site in LESS_RELIABLE_SITES
    if disposition is Disposition.EMERGENCY:
        if any(rule.rule == "R1" for rule in fired):
            return Advice.EMERGENCY_SERVICES
        return Advice.CALL_TEAM_NOW_FN
    if disposition is Disposition.URGENT:
        if not facts.fn_pathway:
            return Advice.USUAL_DOCTOR
        symptoms_only = all(rule.rule in _SYMPTOM_ONLY_RULES for rule in fired)
        if symptoms_only and from_less_reliable_site:
            # an armpit or forehead reading can miss a fever: call, and also check by mouth
            return Advice.RECHECK_ORAL
        return Advice.CALL_TEAM_NOW
    if disposition is Disposition.RECHECK:
        if all(rule.rule == WARMED_READING_RULE for rule in fired):
            return Advice.WAIT_RECHECK
        return Advice.RECHECK_ORAL if from_less_reliable_site else Advice.RECHECK_1H
    return Advice.NONE


# --- wording for the care team ----------------------------------------------------------------


def _celsius_text(celsius: float) -> str:
    return f"{clinical_celsius(celsius):.1f} C ({celsius_to_fahrenheit(celsius):.1f} F)"


def _time_text(moment: datetime) -> str:
    # the weekday keeps yesterday's 14:05 apart from today's within the 24 h window
    return f"{moment:%a %H:%M} UTC"


def _reading_text(reading: Reading | None) -> str:
    if reading is None:
        return "no reading"
    text = f"{_celsius_text(reading.celsius)} at {_time_text(reading.measured_at)}"
    details = []
    if reading.site is not None and reading.site is not Site.ORAL:
        details.append(reading.site.value)
    if reading.reporter is Reporter.CAREGIVER:
        details.append("reported by caregiver")
    return f"{text} ({', '.join(details)})" if details else text


def _symptom_list(symptoms: Iterable[SymptomEvent]) -> str:
    parts = []
    for symptom in symptoms:
        label = SYMPTOM_LABELS.get(symptom.code, symptom.code.value)
        if symptom.count is not None:
            label += f" x{symptom.count}"
        if symptom.reporter is Reporter.CAREGIVER:
            label += ", reported by caregiver"
        parts.append(f"{label} ({_time_text(symptom.occurred_at)})")
    return ", ".join(parts)


def _days_ago(days: int) -> str:
    if days == 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def _age_text(age: timedelta) -> str:
    minutes = max(int(age.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min ago"
    return f"{minutes // 60} h ago"
