"""Rule profiles: the clinical thresholds the rule engine uses (clinical-anchors §6, §7).

"default" is the conservative US/IDSA profile. "uk" follows UK practice derived from UKONS and
escalates any reading of 37.5 C or more. A clinic whose protocol differs can tune single values
with `RuleProfile.with_overrides`; the team's protocol wins over these defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType


@dataclass(frozen=True)
class RuleProfile:
    name: str
    single_fever_c: float = 38.3  # single reading >= this is fever
    sustained_fever_c: float = 38.0  # readings >= this spanning >= sustained_minutes
    sustained_minutes: int = 60
    escalate_low_grade_c: float | None = None  # UK profile: 37.5 -> escalate (R8 UK)
    low_grade_c: float = 37.5  # R8 band lower edge
    hypothermia_c: float = 36.0  # R7
    chemo_lookback_days: int = 42
    # ANC >= anc_normal_min measured <= anc_normal_max_age_hours ago rules out presumed neutropenia
    anc_normal_min: float = 1.0
    anc_normal_max_age_hours: int = 24
    anc_severe_below: float = 0.5
    anc_low_max_age_hours: int = 48
    recheck_minutes: int = 60
    # a reading just after a hot drink, food, exercise or a hot bath (§4): below this it is no
    # evidence of fever on its own; "wait 15-30 minutes, then recheck", followed up after
    warming_discount_below_c: float = 39.2  # hot drinks raise an oral reading by up to ~0.9 C
    warming_recheck_minutes: int = 20
    # an unanswered recheck reminder is followed up this long after it was sent, up to
    # recheck_reminders reminders in all; then R5 asks the care team to call (clinical/recheck.py)
    recheck_follow_up_minutes: int = 30
    recheck_reminders: int = 2
    fever_reducer_masking_hours: int = 6
    history_window_hours: int = 24  # readings/symptoms older than this are not evaluated
    # a raised reading stays in the rules' view this long after it was reported, however long
    # before that it was taken ("hit 39.0 last night"), so the team sees it (R6)
    reported_fever_hold_hours: int = 48
    diarrhoea_episodes_urgent: int = 4
    # R10: a fever reducer taken with no reading in this many minutes before it may hide a fever
    pre_dose_reading_max_minutes: int = 60

    def with_overrides(self, **overrides: object) -> RuleProfile:
        """A copy with some thresholds changed, e.g. `with_overrides(single_fever_c=38.0)`."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(
                f"Unknown rule profile setting(s): {', '.join(unknown)}. "
                f"Valid settings: {', '.join(sorted(known))}"
            )
        return dataclasses.replace(self, **overrides)


DEFAULT_PROFILE = RuleProfile(name="default")
UK_PROFILE = RuleProfile(name="uk", escalate_low_grade_c=37.5)

PROFILES: Mapping[str, RuleProfile] = MappingProxyType(
    {DEFAULT_PROFILE.name: DEFAULT_PROFILE, UK_PROFILE.name: UK_PROFILE}
)


def get_profile(name: str) -> RuleProfile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"Unknown rule profile {name!r}. Valid profiles: {', '.join(sorted(PROFILES))}"
        ) from None


def clinical_celsius(celsius: float) -> float:
    """The reading as a thermometer shows it: 1 decimal place, halves rounded up.

    Thresholds are compared against this value so that a reading converted from Fahrenheit
    meets the threshold it was meant to meet: 100.9 F is 38.28 C and must count as 38.3
    (clinical-anchors §1.4), and 100.4 F must count as 38.0 despite float error.
    """
    # repr() gives the shortest decimal that round-trips, so 38.25 stays 38.25 (not 38.2499...)
    return float(Decimal(repr(celsius)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def celsius_to_fahrenheit(celsius: float) -> float:
    return celsius * 9 / 5 + 32
