"""Symptoms, denials, fever reducers and red flags as patients and caregivers text them."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.clinical.model import FeverReducer, Reporter, SymptomCode
from bot.clinical.symptoms import SymptomParse, find_red_flags, parse_symptoms

NOW = datetime(2024, 3, 5, 18, 0, tzinfo=timezone.utc)  # 1 pm in New York
CLINIC_TZ = ZoneInfo("America/New_York")

C = SymptomCode
CHILLS = C.CHILLS
RIGORS = C.RIGORS
SORE_THROAT = C.SORE_THROAT
COUGH = C.COUGH
SOB = C.SHORT_OF_BREATH
URINARY = C.URINARY_PAIN
DIARRHOEA = C.DIARRHOEA
VOMITING = C.VOMITING
MOUTH = C.MOUTH_SORES
LINE = C.LINE_SITE
CONFUSION = C.CONFUSION
DIZZY = C.DIZZINESS
UNWELL = C.UNWELL
RASH = C.RASH
PAIN = C.NEW_PAIN


def parse(text: str) -> SymptomParse:
    return parse_symptoms(text, NOW, CLINIC_TZ)


def reported(text: str) -> set[SymptomCode]:
    return {mention.code for mention in parse(text).symptoms}


# --- what is reported -------------------------------------------------------------------------

REPORTED_CASES = [
    # chills and rigors
    ("I have chills", {CHILLS}),
    ("feeling chilly", {CHILLS}),
    ("cold sweats last night", {CHILLS}),
    ("night sweats", {CHILLS}),
    ("I feel cold all the time", {CHILLS}),
    ("shivering", {CHILLS}),
    ("hot and cold", {CHILLS}),
    ("101.5 and shaking", {RIGORS}),
    ("shivering uncontrollably", {RIGORS}),
    ("teeth chattering", {RIGORS}),
    ("can't stop shaking", {RIGORS}),
    ("cant stop shaking", {RIGORS}),
    ("I've got the shakes", {RIGORS}),
    ("having rigors", {RIGORS}),
    # throat, cough, breathing
    ("sore throat", {SORE_THROAT}),
    ("sore throt", {SORE_THROAT}),
    ("my throat's sore", {SORE_THROAT}),
    ("it hurts to swallow", {SORE_THROAT}),
    ("coughing all night", {COUGH}),
    ("coughin a lot", {COUGH}),
    ("a bit short of breath", {SOB}),
    ("shortness of breathe", {SOB}),
    ("SOB when I walk", {SOB}),
    ("breathless", {SOB}),
    ("it's hard to breathe", {SOB}),
    ("can't catch my breath", {SOB}),
    # urine, bowels, vomiting
    ("burns when I pee", {URINARY}),
    ("burning urine", {URINARY}),
    ("pain passing urine", {URINARY}),
    ("it stings to wee", {URINARY}),
    ("I think I have a UTI", {URINARY}),
    ("diarrhea", {DIARRHOEA}),
    ("diarrhoea", {DIARRHOEA}),
    ("diarhea since lunch", {DIARRHOEA}),
    ("loose stools", {DIARRHOEA}),
    ("watery poo", {DIARRHOEA}),
    ("got the runs", {DIARRHOEA}),
    ("throwing up", {VOMITING}),
    ("I vomited", {VOMITING}),
    ("been sick twice", {VOMITING}),
    ("puking", {VOMITING}),
    ("vommiting", {VOMITING}),
    # mouth, line, skin, pain
    ("mouth ulcers", {MOUTH}),
    ("sores in my mouth", {MOUTH}),
    ("white patches in my mouth", {MOUTH}),
    ("my port is red", {LINE}),
    ("picc line oozing", {LINE}),
    ("line site swollen", {LINE}),
    ("redness around my port", {LINE}),
    ("there's pus coming from the picc", {LINE}),
    ("central line looks a bit red", {LINE}),
    ("my line (the PICC) is red", {LINE}),
    ("rash on my arms", {RASH}),
    ("new pain in my side", {PAIN}),
    ("tummy pain", {PAIN}),
    ("belly pain", {PAIN}),
    ("stiff neck", {PAIN}),
    ("pain in my leg", {PAIN}),
    # confusion, dizziness, unwell
    ("confused", {CONFUSION}),
    ("disoriented", {CONFUSION}),
    ("can't think straight", {CONFUSION}),
    ("dizzy", {DIZZY}),
    ("light headed", {DIZZY}),
    ("lightheaded when I stand", {DIZZY}),
    ("I feel unwell", {UNWELL}),
    ("feel awful", {UNWELL}),
    ("I feel sick", {UNWELL}),
    ("not feeling right", {UNWELL}),
    ("feel terrible", {UNWELL}),
    ("feeling rough", {UNWELL}),
    ("a bit under the weather", {UNWELL}),
    ("I don't feel well", {UNWELL}),
    # a fever felt but not measured reads as feeling unwell
    ("felt feverish", {UNWELL}),
    ("he's burning up", {UNWELL}),
    ("she has a temperature", {UNWELL}),
    ("he has a temp of 36.8", set()),
    # everyday chemo tiredness is not a red flag for confusion
    ("I'm very sleepy", set()),
    ("I'm sick and tired of chemo", set()),
    ("it's a pain to get to the clinic", set()),
    # caregiver voice
    ("my wife has chills", {CHILLS}),
    ("he's been throwing up all night", {VOMITING}),
    ("my husband is confused and shaking", {CONFUSION, RIGORS}),
    ("she's got a cough and a sore throat", {COUGH, SORE_THROAT}),
    ("my son's PICC site is red and hot", {LINE}),
    ("mum has been really dizzy", {DIZZY}),
    # several in one message
    ("temp 101.3 and chills", {CHILLS}),
    ("sore throat, cough and diarrhea 4 times", {SORE_THROAT, COUGH, DIARRHOEA}),
    ("38.6, chills, feel awful, mouth sores", {CHILLS, UNWELL, MOUTH}),
    ("Cough. Also a rash on my back.", {COUGH, RASH}),
    ("vomiting and dizzy\nport sore", {VOMITING, DIZZY, LINE}),
    # hedges are still reports
    ("not sure if it's a rash", {RASH}),
    ("I don't think it's anything but I have a cough", {COUGH}),
    ("the tylenol hasn't helped the chills", {CHILLS}),
    ("I haven't been able to stop shaking", {RIGORS}),
    # not symptoms
    ("can I eat sushi", set()),
    ("what's my clinic's phone number?", set()),
    ("38.2", set()),
    ("thanks!", set()),
    ("I'm confused about my meds", set()),
    ("you're not making sense", set()),
    ("my port is fine", set()),
    ("I took my temperature", set()),
    # a pet is not the patient: nothing is recorded ("my dog is shaking")
    ("my dog is shaking", set()),
    ("our cat has diarrhea", set()),
    ("my dog is shaking and I have chills", {CHILLS}),
    ("after walking my dog for an hour I felt dizzy", {DIZZY}),
    # nor is a friend, a child or a visitor (adults only on chemo here); the patient still counts
    ("my friend has a cough can she visit", set()),
    ("my grandson has a rash after his chickenpox shot", set()),
    ("visitors with a cough, should they stay away", set()),
    ("my wife has a cough", {COUGH}),
    # a question about what might happen is not a report
    ("what if I get chills?", set()),
    ("what should I do if I get a cough or a sore throat?", set()),
    ("how do I avoid getting a cough", set()),
]


@pytest.mark.parametrize(("text", "expected"), REPORTED_CASES)
def test_symptoms_reported(text: str, expected: set[SymptomCode]) -> None:
    assert reported(text) == expected


# --- negation ---------------------------------------------------------------------------------

NEGATION_CASES = [
    ("no cough", set(), {COUGH}),
    ("no chills or sweats", set(), {CHILLS}),
    ("not short of breath", set(), {SOB}),
    ("denies pain", set(), {PAIN}),
    ("without a sore throat", set(), {SORE_THROAT}),
    ("no diarrhea", set(), {DIARRHOEA}),
    ("I don't have a cough or a sore throat", set(), {COUGH, SORE_THROAT}),
    ("he doesn't have a rash", set(), {RASH}),
    ("no chest pain", set(), {C.CHEST_PAIN}),
    ("he isn't confused", set(), {CONFUSION}),
    ("Chills: no. Cough: yes", {COUGH}, {CHILLS}),
    ("no cough but sore throat", {SORE_THROAT}, {COUGH}),
    ("no cough, sore throat", {SORE_THROAT}, {COUGH}),
    ("no fever but chills", {CHILLS}, set()),
    ("no vomiting and diarrhea 3 times", {DIARRHOEA}, {VOMITING}),
    ("not feeling great with this cough", {UNWELL, COUGH}, set()),
    # said both ways: it counts as reported
    ("no cough. Actually yes a cough at night", {COUGH}, set()),
]


@pytest.mark.parametrize(("text", "expected_reported", "expected_denied"), NEGATION_CASES)
def test_negation_is_short_and_explicit(
    text: str, expected_reported: set[SymptomCode], expected_denied: set[SymptomCode]
) -> None:
    result = parse(text)
    assert {m.code for m in result.symptoms} == expected_reported
    assert set(result.denied) == expected_denied


# --- counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "count"),
    [
        ("diarrhea 5 times", DIARRHOEA, 5),
        ("4 watery stools since this morning", DIARRHOEA, 4),
        ("runs x3", DIARRHOEA, 3),
        ("diarrhoea x 6", DIARRHOEA, 6),
        ("been to the loo six times", DIARRHOEA, 6),
        ("had diarrhea about 6 times today", DIARRHOEA, 6),
        ("5 loose stools", DIARRHOEA, 5),
        ("diarrhea 4x", DIARRHOEA, 4),
        ("vomited twice", VOMITING, 2),
        ("threw up 3 times", VOMITING, 3),
        ("sore throat, cough and diarrhea 4 times", DIARRHOEA, 4),
        ("diarrhea 5 times and vomiting twice", VOMITING, 2),
    ],
)
def test_episode_counts(text: str, code: SymptomCode, count: int) -> None:
    mention = next(m for m in parse(text).symptoms if m.code is code)
    assert mention.count == count


@pytest.mark.parametrize(
    "text", ["diarrhea", "diarrhea for 2 days", "diarrhea since 6am", "diarrhea, temp 101"]
)
def test_no_count_when_none_is_given(text: str) -> None:
    (mention,) = [m for m in parse(text).symptoms if m.code is DIARRHOEA]
    assert mention.count is None


def test_one_mention_per_symptom_keeps_the_highest_count() -> None:
    result = parse("diarrhea 3 times this morning. more diarrhea since lunch 5 times")
    assert [m.code for m in result.symptoms] == [DIARRHOEA]
    assert result.symptoms[0].count == 5


# --- red flags --------------------------------------------------------------------------------

RED_FLAG_CASES = [
    ("can't breathe", SOB),
    ("cant breath", SOB),
    ("he can't breathe properly", SOB),
    ("struggling to breathe", SOB),
    ("breathless at rest", SOB),
    ("gasping for air", SOB),
    ("very short of breath", SOB),
    ("passed out", DIZZY),
    ("she fainted this morning", DIZZY),
    ("blacked out in the shower", DIZZY),
    ("he collapsed", DIZZY),
    ("so confused", CONFUSION),
    ("he's not making sense", CONFUSION),
    ("slurred speech", CONFUSION),
    ("he won't wake up", CONFUSION),
    ("really hard to wake", CONFUSION),
    ("shaking and can't stop", RIGORS),
    ("shivering uncontrollably", RIGORS),
    ("blue lips", C.MOTTLED_SKIN),
    ("his lips look blue", C.MOTTLED_SKIN),
    ("blotchy skin", C.MOTTLED_SKIN),
    ("grey skin", C.MOTTLED_SKIN),
    ("chest pain", C.CHEST_PAIN),
    ("pain in my chest", C.CHEST_PAIN),
    ("bleeding won't stop", C.SEVERE_BLEEDING),
    ("nosebleed and it won't stop", C.SEVERE_BLEEDING),
    ("coughing up blood", C.SEVERE_BLEEDING),
    ("I feel like I'm dying", C.SENSE_OF_DOOM),
    ("something is very wrong", C.SENSE_OF_DOOM),
    ("I think I'm going to die", C.SENSE_OF_DOOM),
    ("haven't peed all day", C.NO_URINE),
    ("no urine since yesterday", C.NO_URINE),
    ("101.5 and shaking", RIGORS),
    # a red flag inside a question may be happening now: it is never explained away
    ("what do I do if she can't breathe", SOB),
    ("what should I do if I get chest pain?", C.CHEST_PAIN),
]


@pytest.mark.parametrize(("text", "code"), RED_FLAG_CASES)
def test_red_flags_are_caught(text: str, code: SymptomCode) -> None:
    flags = find_red_flags(text, NOW, CLINIC_TZ)
    assert code in {flag.code for flag in flags}
    assert all(flag.red_flag for flag in flags)
    assert code in {m.code for m in parse(text).symptoms if m.red_flag}


@pytest.mark.parametrize(
    "text",
    [
        "a bit short of breath",
        "dizzy",
        "light headed",
        "shivering",
        "chills",
        "no chest pain",
        "not confused",
        "he hasn't passed out",
        "I'm dying to see my grandkids",
        "something is wrong with the thermometer",
        "I want to sob",
        "my dog collapsed",
        "sore throat and a cough",
        "",
    ],
)
def test_no_red_flag(text: str) -> None:
    assert find_red_flags(text, NOW, CLINIC_TZ) == ()


def test_red_flags_without_a_clock_are_dated_now() -> None:
    before = datetime.now(timezone.utc)
    (flag,) = find_red_flags("chest pain")
    assert before <= flag.occurred_at <= datetime.now(timezone.utc)


def test_plain_symptoms_are_not_flagged_as_red() -> None:
    result = parse("cough, sore throat, dizzy and a bit short of breath")
    assert {m.code for m in result.symptoms} == {COUGH, SORE_THROAT, DIZZY, SOB}
    assert not any(m.red_flag for m in result.symptoms)


def test_red_flag_wording_wins_over_plain_wording_of_the_same_symptom() -> None:
    result = parse("a bit short of breath earlier. now I can't breathe")
    (mention,) = result.symptoms
    assert mention.code is SOB and mention.red_flag


# --- fever reducers ---------------------------------------------------------------------------

A = FeverReducer

FEVER_REDUCER_CASES = [
    ("took tylenol 2 hours ago", (A.ACETAMINOPHEN,)),
    ("had 2 advil at 6am", (A.IBUPROFEN,)),
    ("I've taken paracetamol", (A.ACETAMINOPHEN,)),
    ("just took panadol", (A.ACETAMINOPHEN,)),
    ("gave him calpol", (A.ACETAMINOPHEN,)),
    ("I took acetaminophen this morning", (A.ACETAMINOPHEN,)),
    ("took nurofen", (A.IBUPROFEN,)),
    ("had some motrin", (A.IBUPROFEN,)),
    ("took ibuprofin", (A.IBUPROFEN,)),
    ("took an aspirin", (A.ASPIRIN,)),
    ("had an aleve", (A.NAPROXEN,)),
    ("took naproxen", (A.NAPROXEN,)),
    ("took something for the fever", (A.UNKNOWN,)),
    ("I took a pill for the temp", (A.UNKNOWN,)),
    ("took a fever reducer", (A.UNKNOWN,)),
    ("took tylenol and 2 advil", (A.ACETAMINOPHEN, A.IBUPROFEN)),
    ("my husband had 2 panadol at 10pm last night", (A.ACETAMINOPHEN,)),
    ("2 panadol", (A.ACETAMINOPHEN,)),
    ("I took tylenol, is that ok?", (A.ACETAMINOPHEN,)),
    ("not sure if I took tylenol", (A.ACETAMINOPHEN,)),
    # asking about one, or not taking one, is not a dose
    ("can I take tylenol?", ()),
    ("Can I take tylenol", ()),
    ("should I give him calpol", ()),
    ("is it ok to take ibuprofen", ()),
    ("can I take tylenol and advil?", ()),
    ("should I have taken tylenol", ()),
    ("I haven't taken any tylenol", ()),
    ("didn't take anything", ()),
    ("I'm allergic to aspirin", ()),
    ("I was told not to take ibuprofen", ()),
    ("tylenol?", ()),
    ("what if I took tylenol", ()),
]


@pytest.mark.parametrize(("text", "medicines"), FEVER_REDUCER_CASES)
def test_fever_reducer_doses(text: str, medicines: tuple[FeverReducer, ...]) -> None:
    assert tuple(d.medicine for d in parse(text).fever_reducers) == medicines


def test_dose_time_comes_from_the_same_clause() -> None:
    (dose,) = parse("took tylenol 2 hours ago").fever_reducers
    assert dose.taken_at == NOW - timedelta(hours=2)
    (dose,) = parse("had 2 advil at 6am").fever_reducers
    assert dose.taken_at == datetime(2024, 3, 5, 6, 0, tzinfo=CLINIC_TZ)


def test_dose_without_a_time_is_now() -> None:
    (dose,) = parse("just took paracetamol").fever_reducers
    assert dose.taken_at == NOW


def test_medicines_named_together_share_the_time() -> None:
    doses = parse("I gave him calpol and nurofen at 3pm").fever_reducers
    three_pm_yesterday = datetime(2024, 3, 4, 15, 0, tzinfo=CLINIC_TZ)
    assert [(d.medicine, d.taken_at) for d in doses] == [
        (A.ACETAMINOPHEN, three_pm_yesterday),
        (A.IBUPROFEN, three_pm_yesterday),
    ]


def test_dose_raw_is_the_medicine_as_written() -> None:
    (dose,) = parse("Took TYLENOL at 9").fever_reducers
    assert dose.raw == "TYLENOL"


# --- times and raw fragments ------------------------------------------------------------------


def test_symptom_onset_comes_from_its_clause_only() -> None:
    result = parse("coughing since last night and now chills")
    by_code = {m.code: m for m in result.symptoms}
    assert by_code[COUGH].onset_at < NOW - timedelta(hours=6)
    assert by_code[CHILLS].onset_at is None
    # both are present now: an ongoing symptom is judged as current (issue 10)
    assert by_code[COUGH].occurred_at == by_code[CHILLS].occurred_at == NOW


def test_symptom_without_a_time_is_now() -> None:
    (mention,) = parse("sore throat").symptoms
    assert mention.occurred_at == NOW


def test_fainted_this_morning_keeps_its_onset_this_morning() -> None:
    (mention,) = parse("she fainted this morning").symptoms
    assert mention.onset_at.astimezone(CLINIC_TZ).date() == NOW.astimezone(CLINIC_TZ).date()
    assert mention.onset_at < NOW
    assert mention.red_flag


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("Temp 101 and CHILLS", "CHILLS"),
        ("my port   is red", "port is red"),
        ("he can't breathe properly", "can't breathe"),
        ("diarrhea 5 times", "diarrhea"),
    ],
)
def test_raw_is_the_short_fragment_matched(text: str, raw: str) -> None:
    (mention,) = parse(text).symptoms
    assert mention.raw == raw


# --- "nothing else" and caregiver concern -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no other symptoms", True),
        ("nothing else", True),
        ("feel fine otherwise", True),
        ("I feel fine", True),
        ("none", True),
        ("Nope", True),
        ("no", True),
        ("chills, nothing else", True),
        ("I'm not feeling well", False),
        ("not feeling fine at all", False),
        ("I'm coughing as well", False),
        ("chills", False),
        ("can I eat sushi", False),
    ],
)
def test_says_no_symptoms(text: str, expected: bool) -> None:
    assert parse(text).says_no_symptoms is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he's not himself", True),
        ("she's acting strange", True),
        ("he's acting weird today", True),
        ("not acting like herself", True),
        ("he seems off", True),
        ("I'm worried about my husband", True),
        ("something's not right with my mum", True),
        ("more sleepy than usual", True),
        ("I'm not worried about him", False),
        ("he's doing fine", False),
        ("I'm worried about my temp", False),
        ("my wife has chills", False),
    ],
)
def test_caregiver_concern(text: str, expected: bool) -> None:
    assert parse(text).caregiver_concern is expected


# --- robustness -------------------------------------------------------------------------------

GARBAGE = [
    "",
    "   ",
    "🤒🤢😷" * 300,
    "a" * 10_000,
    "cough " * 2_000,
    "," * 10_000,
    "no " * 3_000 + "cough",
    "1" * 5_000 + " tylenol",
    "".join(chr(i) for i in range(32)) * 300,
    "'; DROP TABLE symptoms; -- cough",
    "<script>alert('chills')</script>",
    "\u202ecough\u202c \ufeff\u200b chills",
    "cough \ud800 chills",
    "took tylenol " * 800,
    "my port is red and " * 500,
    "\n\n\n" * 2_000,
    "shaking and " * 1_000,
]


@pytest.mark.parametrize("text", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_never_raises_and_returns_quickly(text: str) -> None:
    started = time.perf_counter()
    result = parse(text)
    flags = find_red_flags(text, NOW, CLINIC_TZ)
    elapsed = time.perf_counter() - started
    assert isinstance(result, SymptomParse)
    assert all(flag.red_flag for flag in flags)
    assert elapsed < 1.0


def test_control_characters_do_not_hide_a_symptom() -> None:
    assert reported("chest\x00 pain") == {C.CHEST_PAIN}
    assert reported("I have\u200b a cough") == {COUGH}


def test_sql_looking_text_is_read_as_text() -> None:
    assert reported("'; DROP TABLE patients; -- I have a cough") == {COUGH}


def test_curly_apostrophes_are_read_like_straight_ones() -> None:
    assert {f.code for f in find_red_flags("he can’t breathe", NOW, CLINIC_TZ)} == {SOB}


def test_a_long_message_is_read_up_to_its_first_two_thousand_characters() -> None:
    filler = "blah " * 300
    assert reported(filler + "chest pain") == {C.CHEST_PAIN}


# --- issue 10: messy texts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("she's been woolly-headed since Sunday", SymptomCode.DIZZINESS),
        ("the line site went red on Saturday and it's still angry", SymptomCode.LINE_SITE),
        ("cough started monday still hacking", SymptomCode.COUGH),
    ],
)
def test_a_symptom_with_a_past_onset_is_present_now(text: str, code: SymptomCode) -> None:
    mention = next(m for m in parse(text).symptoms if m.code is code)
    assert mention.occurred_at == NOW
    assert mention.onset_at is not None and mention.onset_at < NOW - timedelta(hours=12)


@pytest.mark.parametrize(
    "text",
    [
        "had chills yesterday, gone now",
        "had a sore throat last week it cleared up by the weekend nothing since",
        "mouth ulcers have cleared now the mouthwash kicked in",
        "his chills from the weekend have gone, temp 36.8",
    ],
)
def test_a_symptom_the_text_says_has_ended_is_not_reported(text: str) -> None:
    assert parse(text).symptoms == ()


def test_an_ended_red_flag_still_counts() -> None:
    (mention,) = parse("came round on the floor, fine now").symptoms
    assert mention.red_flag


@pytest.mark.parametrize(
    "text",
    [
        "I had sepsis after round 2 last year",
        "In 2021 I fainted when they put my port in",
        "last cycle I had the runs for 3 days",
    ],
)
def test_past_history_is_not_a_report(text: str) -> None:
    assert parse(text).symptoms == ()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("couldn't eat shivering all evening", SymptomCode.CHILLS),
        ("not hungry at all burning when i pee since tea time", SymptomCode.URINARY_PAIN),
        ("no cough sore throat though", SymptomCode.SORE_THROAT),
        ("didnt sleep chest feels tight", SymptomCode.CHEST_PAIN),
        ("no fever or shaking", SymptomCode.RIGORS),  # a red flag needs its own negation
    ],
)
def test_a_negation_covers_only_the_symptom_it_governs(text: str, code: SymptomCode) -> None:
    assert code in {m.code for m in parse(text).symptoms}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("no chills or sweats", SymptomCode.CHILLS),
        ("no real cough", SymptomCode.COUGH),
        ("not having any chills", SymptomCode.CHILLS),
        ("not confused", SymptomCode.CONFUSION),
        ("without shaking", SymptomCode.RIGORS),
    ],
)
def test_a_negation_that_governs_a_symptom_denies_it(text: str, code: SymptomCode) -> None:
    result = parse(text)
    assert code not in {m.code for m in result.symptoms}
    assert code in result.denied


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("he's really out of it", SymptomCode.CONFUSION),
        ("can't keep her awake", SymptomCode.CONFUSION),
        ("we can't rouse him", SymptomCode.CONFUSION),
        ("mum is away with the fairies today", SymptomCode.CONFUSION),
        ("she keeled over in the hall", SymptomCode.DIZZINESS),
        ("her legs gave way and she hit the floor", SymptomCode.DIZZINESS),
        ("his whole body went stiff and jerked", SymptomCode.SEIZURE),
        ("he had a fit on the sofa", SymptomCode.SEIZURE),
        ("fighting for breath", SymptomCode.SHORT_OF_BREATH),
        ("cant get a full sentence out", SymptomCode.SHORT_OF_BREATH),
        ("going blue round the mouth", SymptomCode.MOTTLED_SKIN),
        ("she's a horrible grey colour", SymptomCode.MOTTLED_SKIN),
        ("hasnt had a wee since yesterday teatime", SymptomCode.NO_URINE),
        ("teeth won't stop chattering", SymptomCode.RIGORS),
        ("nosebleed started an hour ago and wont stop", SymptomCode.SEVERE_BLEEDING),
        ("everything went black for a second at the sink", SymptomCode.DIZZINESS),
        ("and i ended up on the floor", SymptomCode.DIZZINESS),
        ("shes on the floor and cant get up", SymptomCode.DIZZINESS),
        ("he went grey getting out of the car", SymptomCode.MOTTLED_SKIN),
        ("nose has been bleeding on and off since 9 and wont stop", SymptomCode.SEVERE_BLEEDING),
        ("he doesnt know what month it is", SymptomCode.CONFUSION),
        ("she's been chatting away to someone who isnt there", SymptomCode.CONFUSION),
        ("she nodded off halfway through her soup", SymptomCode.CONFUSION),
        ("i am really confused about what day it is", SymptomCode.CONFUSION),
        # "without" here is part of the symptom, not a denial of it
        (
            "cant get to the end of a sentence without stopping for breath",
            SymptomCode.SHORT_OF_BREATH,
        ),
    ],
)
def test_caregiver_words_for_red_flags_are_red_flags(text: str, code: SymptomCode) -> None:
    mention = next(m for m in parse(text).symptoms if m.code is code)
    assert mention.red_flag


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("it stings when she has a wee", SymptomCode.URINARY_PAIN),
        ("hardly anything comes out and it burns", SymptomCode.URINARY_PAIN),
        ("his mouth and tongue are so sore", SymptomCode.MOUTH_SORES),
        ("bit of pink round his port tonight", SymptomCode.LINE_SITE),
        ("had to sit on the landing to get my breath", SymptomCode.SHORT_OF_BREATH),
    ],
)
def test_everyday_words_for_infection_symptoms(text: str, code: SymptomCode) -> None:
    assert code in reported(text)


@pytest.mark.parametrize("text", ["she says her tummy is really sore", "my back's killing me"])
def test_a_body_part_said_to_be_sore_is_new_pain(text: str) -> None:
    assert reported(text) == {SymptomCode.NEW_PAIN}


def test_dizziness_alone_is_a_symptom_but_not_a_red_flag() -> None:
    (mention,) = parse("bit dizzy when I stand up").symptoms
    assert mention.code is SymptomCode.DIZZINESS and not mention.red_flag


def test_a_count_in_the_next_clause_belongs_to_the_diarrhoea() -> None:
    (mention,) = parse("the runs started sunday and hes still going 5 or 6 times a day").symptoms
    assert mention.code is SymptomCode.DIARRHOEA and mention.count == 6


def test_looking_terrible_is_feeling_unwell() -> None:
    codes = {m.code for m in parse("she says she cant move, looks terrible").symptoms}
    assert SymptomCode.UNWELL in codes


@pytest.mark.parametrize(
    "text",
    [
        "im burning up the phone lines trying to get my scan moved lol",
        "I'm shaking with excitement, LAST CHEMO on friday!!!",
        "sweating bullets about my CT on monday",
        "I'll pass out if i see one more needle lol",
        "what does a line infection actually look like?",
        "are mouth ulcers common with FEC?",
        "is confusion a side effect of chemo?",
        "the leaflet says mottled skin but id never know",
        "neulasta bone pain in my hips and lower back",
    ],
)
def test_figures_of_speech_general_questions_and_booster_pain_are_not_reports(text: str) -> None:
    assert parse(text).symptoms == ()


def test_a_patients_relative_is_someone_else_but_a_caregivers_is_the_patient() -> None:
    text = "husband has a bad cough so hes in the spare room"
    assert parse_symptoms(text, NOW, CLINIC_TZ, Reporter.PATIENT).symptoms == ()
    assert parse_symptoms(text, NOW, CLINIC_TZ, Reporter.CAREGIVER).symptoms != ()


def test_the_texters_own_symptom_after_a_relative_is_still_theirs() -> None:
    result = parse_symptoms("my husband says I'm burning up", NOW, CLINIC_TZ, Reporter.PATIENT)
    assert {m.code for m in result.symptoms} == {SymptomCode.UNWELL}


def test_a_dose_on_the_teams_schedule_is_marked_scheduled() -> None:
    (dose,) = parse("taking ibuprofen every 8 hrs for the bone ache like they said").fever_reducers
    assert dose.scheduled
    assert dose.taken_at == NOW


@pytest.mark.parametrize(
    ("texter", "text"),
    [
        (Reporter.CAREGIVER, "his brother keeled over at the pub, hes in hospital"),
        (Reporter.CAREGIVER, "a lady at the chemo unit keeled over in the waiting room"),
        (Reporter.PATIENT, "the lady in the chair next to me was coughing the whole 4 hours"),
        (Reporter.PATIENT, "had chills yesterday afternoon but they went by teatime"),
        (Reporter.CAREGIVER, "yesterday my husband he have chills but now finish"),
        (Reporter.CAREGIVER, "my sister collapsed at work last month, different thing"),
        (Reporter.PATIENT, "had the chills yesterday afternoon but they went after a nap"),
        (Reporter.CAREGIVER, "sick and tired of being sick and tired lol"),
        (Reporter.PATIENT, "soup tasted like cough syrup last night"),
        # puzzled by advice; a vaccine's name; an old story told in the past
        (Reporter.PATIENT, "the GP says get it done, the pharmacist says not. I'm so confused."),
        (Reporter.CAREGIVER, "grandson has just had his whooping cough jabs"),
        (
            Reporter.PATIENT,
            "last time I got home and 3 hours later I was shivering and aching all over",
        ),
    ],
)
def test_someone_else_or_a_spell_that_is_over_is_not_reported(texter: Reporter, text: str) -> None:
    assert parse_symptoms(text, NOW, CLINIC_TZ, texter).symptoms == ()


@pytest.mark.parametrize(
    ("texter", "text", "code"),
    [
        # someone else named, but the symptom is the patient's
        (Reporter.CAREGIVER, "his daughter says hes shaking all over", SymptomCode.RIGORS),
        (Reporter.CAREGIVER, "the nurse said she sounds confused", SymptomCode.CONFUSION),
        (Reporter.CAREGIVER, "the carer found him on the floor", SymptomCode.DIZZINESS),
        (Reporter.PATIENT, "my husband found me on the floor", SymptomCode.DIZZINESS),
        # whoever is named as having chemo is the patient; a caregiver's relative most often is
        (
            Reporter.CAREGIVER,
            "i live next door to a lady on chemo, she could barely stand",
            SymptomCode.DIZZINESS,
        ),
        (
            Reporter.CAREGIVER,
            "both kids have had the norovirus and now my wife has been sick 3 times",
            SymptomCode.VOMITING,
        ),
        # a symptom that began weeks ago may still be going on
        (Reporter.PATIENT, "had this cough since last week", SymptomCode.COUGH),
    ],
)
def test_the_patients_symptom_is_kept_beside_other_people(
    texter: Reporter, text: str, code: SymptomCode
) -> None:
    assert code in {m.code for m in parse_symptoms(text, NOW, CLINIC_TZ, texter).symptoms}


def test_a_caregivers_own_cold_is_not_the_patients() -> None:
    text = "Im her daughter, Ive got a streaming cold and a sore throat, can I drive mum to chemo"
    assert parse_symptoms(text, NOW, CLINIC_TZ, Reporter.CAREGIVER).symptoms == ()


@pytest.mark.parametrize(
    "text",
    [
        "suppose his lips went blue, is that a 999 job or the chemo line first?",
        "in case dad ever gets confused again, who do I ring first?",
        "if I feel shivery but the thermometer says normal should I still ring? asking before it happens",
        "the leaflet lists shaking, confusion, no wee and mottled skin - who do I ring for those?",
    ],
)
def test_imagined_situations_are_not_reports_even_with_red_flags(text: str) -> None:
    assert parse(text).symptoms == ()


def test_a_frequency_since_a_time_gives_the_count() -> None:
    (mention,) = parse("bowels going like a tap, every hour since 9am").symptoms
    assert mention.code is SymptomCode.DIARRHOEA and mention.count == 4  # 9am to 1pm


@pytest.mark.parametrize(
    "text",
    [
        "scratch on her hand from the cat has gone red, puffy and hot",
        "wound from my port op has opened up and theres smelly yellow stuff on the dressing",
        "eye is red and gunky, lids were glued together this morning",
    ],
)
def test_red_hot_or_oozing_skin_wounds_and_eyes_are_infection_signs(text: str) -> None:
    codes = {m.code for m in parse(text).symptoms}
    assert codes & {SymptomCode.SKIN_INFECTION, SymptomCode.LINE_SITE}


def test_a_denial_inside_a_line_site_phrase_denies_it() -> None:
    assert parse("port flushed today no redness nurse happy").symptoms == ()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("dad thinks theres bugs crawling on the bedroom wall", SymptomCode.CONFUSION),
        ("she's been asleep pretty much 2 days solid, only wakes to mumble", SymptomCode.CONFUSION),
        ("dad went rigid in his chair, eyes rolled right up", SymptomCode.SEIZURE),
        ("she crumpled at the bottom of the stairs", SymptomCode.DIZZINESS),
        (
            "chest squelches every time I lie back and I cant get the air in",
            SymptomCode.SHORT_OF_BREATH,
        ),
        ("my fingernails have gone a bluish colour", SymptomCode.MOTTLED_SKIN),
        ("nosebleed for 40 mins now, soaked a tea towel", SymptomCode.SEVERE_BLEEDING),
        ("he says he feels like hes slipping away", SymptomCode.SENSE_OF_DOOM),
    ],
)
def test_more_ways_to_write_a_red_flag(text: str, code: SymptomCode) -> None:
    mention = next(m for m in parse(text).symptoms if m.code is code)
    assert mention.red_flag


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("throbbing tooth at the back and my jaw has swollen up", SymptomCode.MOUTH_SORES),
        ("peeing razor blades since this morning", SymptomCode.URINARY_PAIN),
        ("my pee looks like rosé wine and it stings", SymptomCode.URINARY_PAIN),
        ("the skin round the nephrostomy tube is angry red", SymptomCode.SKIN_INFECTION),
        ("37.6 and my ears are killing me", SymptomCode.NEW_PAIN),
    ],
)
def test_more_infection_signs(text: str, code: SymptomCode) -> None:
    assert code in {m.code for m in parse(text).symptoms}


def test_a_pet_named_with_its_owner_is_a_pet() -> None:
    assert parse("dads dog is shivering at the vets poor thing").symptoms == ()
