"""The clinical vocabulary shared by the parser, the rules and the adapters.

Plain dataclasses: no Rasa, database or network imports. Times are timezone-aware
UTC datetimes throughout; temperatures are stored in degrees Celsius.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class Reporter(str, enum.Enum):
    PATIENT = "patient"
    CAREGIVER = "caregiver"


class Disposition(str, enum.Enum):
    """How urgently the care team must act. Ordered: compare with `rank`."""

    NONE = "none"
    RECHECK = "recheck"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _DISPOSITION_RANK[self]

    @property
    def pages_care_team(self) -> bool:
        return self in (Disposition.URGENT, Disposition.EMERGENCY)


_DISPOSITION_RANK = {
    Disposition.NONE: 0,
    Disposition.RECHECK: 1,
    Disposition.URGENT: 2,
    Disposition.EMERGENCY: 3,
}


class Site(str, enum.Enum):
    """Where the thermometer was: oral is the reference; the others read less reliably."""

    ORAL = "oral"
    ARMPIT = "armpit"
    EAR = "ear"
    FOREHEAD = "forehead"
    RECTAL = "rectal"


class ReadingProblem(str, enum.Enum):
    """Why a number in a message is not stored as a valid temperature."""

    IMPLAUSIBLE = "implausible"  # outside 32-43 C / 89.6-109.4 F (e.g. 45, 30, 1000)
    AMBIGUOUS = "ambiguous"  # could be a typo for a real value (e.g. "986" for 98.6)
    # a whole number about a person that may be an age or a temperature ("she is 39"): ask
    AGE_OR_TEMPERATURE = "age_or_temperature"


@dataclass(frozen=True)
class ParsedTemperature:
    """One temperature found in a message, before it is stored."""

    raw: str  # the words of the message this reading came from
    value: float  # the number as the person wrote it
    unit_given: str | None  # "C", "F", or None when inferred
    celsius: float | None  # None when `problem` is set
    site: Site | None
    measured_at: datetime
    problem: ReadingProblem | None = None
    # written as a range ("101-102", "between 38.5 and 39"): `value` is its highest number
    from_range: bool = False
    # taken just after a hot drink, food, exercise or a hot bath, which raise it for a while
    after_warming: bool = False

    @property
    def is_valid(self) -> bool:
        return self.problem is None and self.celsius is not None


class SymptomCode(str, enum.Enum):
    """Symptoms a patient or caregiver can report (issue list + clinical-anchors §3, §7 R9)."""

    CHILLS = "chills"  # feeling chilly, cold sweats
    RIGORS = "rigors"  # shaking chills, uncontrollable shivering: a red flag
    SORE_THROAT = "sore_throat"
    COUGH = "cough"
    SHORT_OF_BREATH = "short_of_breath"
    URINARY_PAIN = "urinary_pain"
    DIARRHOEA = "diarrhoea"
    VOMITING = "vomiting"
    MOUTH_SORES = "mouth_sores"
    LINE_SITE = "line_site"  # redness, swelling, pain or drainage at a port/PICC/line
    # redness, heat, swelling or pus anywhere else: a wound, a drain, a scratch, an eye
    SKIN_INFECTION = "skin_infection"
    CONFUSION = "confusion"
    SEIZURE = "seizure"  # a fit: stiffening, jerking, eyes rolled back (a red flag)
    DIZZINESS = "dizziness"  # dizziness, light-headedness, fainting
    UNWELL = "unwell"  # feeling generally unwell
    RASH = "rash"
    NEW_PAIN = "new_pain"
    # red flags that are not on the everyday symptom list
    NO_URINE = "no_urine"
    MOTTLED_SKIN = "mottled_skin"
    CHEST_PAIN = "chest_pain"
    SEVERE_BLEEDING = "severe_bleeding"
    SENSE_OF_DOOM = "sense_of_doom"  # "I feel like I'm dying", "something is very wrong"


class FeverReducer(str, enum.Enum):
    ACETAMINOPHEN = "acetaminophen"  # paracetamol, Tylenol, Panadol
    IBUPROFEN = "ibuprofen"  # Advil, Motrin, Nurofen
    ASPIRIN = "aspirin"
    NAPROXEN = "naproxen"  # Aleve
    UNKNOWN = "unknown"  # "took something for the fever"


@dataclass(frozen=True)
class SymptomMention:
    """One symptom found in a message."""

    code: SymptomCode
    raw: str
    occurred_at: datetime  # when it is present: the report's time unless the text says it ended
    count: int | None = None  # e.g. number of diarrhoea episodes in 24 h
    red_flag: bool = False  # true when the wording itself is a red flag (e.g. "can't breathe")
    onset_at: datetime | None = None  # when it began, when the text says ("since Sunday")


@dataclass(frozen=True)
class FeverReducerMention:
    medicine: FeverReducer
    raw: str
    taken_at: datetime
    # taken on a schedule the team set ("ibuprofen every 8 hrs for the Neulasta pain"), not
    # for a fever
    scheduled: bool = False


@dataclass(frozen=True)
class AncResult:
    """Absolute neutrophil count in 10^9/L, with when the blood was taken."""

    value: float
    measured_at: datetime


@dataclass(frozen=True)
class PatientContext:
    """What the rules need to know about the patient, besides the reports."""

    chemo_dates: tuple[date, ...] = ()
    anc_results: tuple[AncResult, ...] = ()


@dataclass(frozen=True)
class Reading:
    """A stored, valid temperature."""

    celsius: float
    measured_at: datetime
    site: Site | None = None
    reporter: Reporter = Reporter.PATIENT
    # when the texter sent it: "hit 39.0 last night" is measured last night, reported now
    reported_at: datetime | None = None
    after_warming: bool = False  # just after a hot drink, food, exercise or a hot bath


@dataclass(frozen=True)
class SymptomEvent:
    """A stored symptom."""

    code: SymptomCode
    occurred_at: datetime
    count: int | None = None
    red_flag: bool = False
    reporter: Reporter = Reporter.PATIENT
    onset_at: datetime | None = None  # when it began, when the report said ("since Sunday")


@dataclass(frozen=True)
class FeverReducerDose:
    medicine: FeverReducer
    taken_at: datetime
    scheduled: bool = False  # on a schedule the team set, not for a fever


@dataclass(frozen=True)
class TeamThresholds:
    """Temperatures the patient's own team said to call at, as the texter quoted them. The
    team's protocol wins over the rule profile (clinical-anchors, purpose)."""

    at_or_above_c: float | None = None  # "ring if 37.5 or above"
    below_c: float | None = None  # "ring if under 36"


@dataclass(frozen=True)
class ClinicalHistory:
    """Everything reported recently, oldest first within each tuple."""

    readings: tuple[Reading, ...] = ()
    symptoms: tuple[SymptomEvent, ...] = ()
    fever_reducers: tuple[FeverReducerDose, ...] = ()
    # the latest report came from a caregiver: advice is addressed to them (R12)
    latest_reporter: Reporter = Reporter.PATIENT
    # concern expressed by a caregiver about changed behaviour (R12)
    caregiver_concern: bool = False
    # the latest report says a raised temperature has stayed raised ("still 38.1")
    still_raised: bool = False
    # what the latest report quoted from the team's own instructions ("ring at 37.5")
    team: TeamThresholds | None = None


@dataclass(frozen=True)
class FiredRule:
    rule: str  # "R2"
    disposition: Disposition
    reason: str  # plain English, for the care team and the audit trail


@dataclass(frozen=True)
class Assessment:
    disposition: Disposition
    fired: tuple[FiredRule, ...] = field(default_factory=tuple)
    # what the patient should do now; a key the message layer turns into words
    advice: str = "none"
    recheck_after_minutes: int | None = None
    on_chemo: bool = True
    presumed_neutropenic: bool = True

    @property
    def pages_care_team(self) -> bool:
        return self.disposition.pages_care_team


@dataclass(frozen=True)
class Clinic:
    """What patient-facing words need to know about the clinic (from configuration)."""

    name: str
    phone_24h: str  # the clinic's 24-hour line, as it should be shown to patients
    emergency_number: str = "911"
