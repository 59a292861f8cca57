"""The education knowledge base, its Rasa intents, rules and training data stay complete and safe.

Fast: reads YAML only, never imports Rasa.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge import KnowledgeBase, Topic, load_knowledge_base, render

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_FILE = ROOT / "domain" / "education.yml"
RULES_FILE = ROOT / "data" / "rules" / "education.yml"
TRAINING_FILE = ROOT / "data" / "nlu" / "education.yml"
HELDOUT_FILE = ROOT / "tests" / "nlu" / "heldout.yml"

PHONE_14_CHARS = "(555) 010-0199"
CLINIC_NAME = "Riverside Regional Cancer Center"
SMS_PART_LIMIT = 320
MORE_HINT = " Text MORE for more."
ANSWER_ACTION = "action_answer_question"
OUT_OF_SCOPE = "out_of_scope"

# clinical-anchors.md section 9: topic number -> knowledge-base id.
SECTION_9_TOPICS = {
    1: "neutropenia",
    2: "nadir_timing",
    3: "fever_threshold",
    4: "thermometer_type",
    5: "when_to_take_temperature",
    6: "temperature_after_drinking",
    7: "rectal_temperature",
    8: "fever_reducers",
    9: "who_to_call",
    10: "emergency_department",
    11: "infection_signs",
    12: "when_to_call_911",
    13: "low_temperature",
    14: "hand_washing",
    15: "asking_others_to_wash_hands",
    16: "crowds_and_sick_people",
    17: "masks",
    18: "high_risk_foods",
    19: "safe_food_handling",
    20: "neutropenic_diet",
    21: "pets",
    22: "litter_box",
    23: "reptiles_birds_fish",
    24: "gardening_and_building_work",
    25: "flu_vaccine_me",
    26: "other_vaccines_me",
    27: "family_vaccines",
    28: "rotavirus_baby",
    29: "vaccine_rash_contact",
    30: "mouth_care",
    31: "skin_cuts_shaving",
    32: "line_care",
    33: "personal_hygiene",
    34: "growth_factor_shot",
    35: "preventive_antibiotics",
    36: "infection_without_fever",
    37: "emergency_plan",
}

EXTRA_TOPICS = (
    "travel",
    "work_and_school",
    "sex_and_intimacy",
    "swimming_pools",
    "hot_tubs",
    "open_water_swimming",
    "tattoos",
    "piercings",
    "nail_salons",
    "flowers_and_plants",
    "house_cleaning",
    "visitors_with_colds",
    "kids_and_germs",
    "anc_meaning",
    "growth_factor_bone_pain",
    "on_body_injector",
    "raw_seafood",
    "undercooked_meat_eggs",
    "unpasteurized_dairy",
    "deli_meats",
    "raw_produce",
    "eating_out",
    # the topics real questions showed missing (issue 11)
    "gcsf_antihistamine",
    "gcsf_self_injection",
    "gcsf_high_white_count",
    "covid_vaccine_me",
    "vaccine_timing",
    "picc_vs_port",
    "dressing_wet_or_loose",
    "flights",
    "saunas_and_steam",
    "dental_work",
    "gatherings_and_events",
    "anc_low_values",
    "alcohol",
    "exercise_and_gyms",
    OUT_OF_SCOPE,
)

# Answers about medicines (including vaccines and the booster) must send the person to the team.
MEDICINE_TOPICS = (
    "fever_reducers",
    "growth_factor_shot",
    "growth_factor_bone_pain",
    "on_body_injector",
    "preventive_antibiotics",
    "flu_vaccine_me",
    "other_vaccines_me",
    "gcsf_antihistamine",
    "gcsf_self_injection",
    "gcsf_high_white_count",
    "covid_vaccine_me",
    "vaccine_timing",
)

# The app appends the clinic's "when to call" line to these; they must say to call now.
FEVER_TOPICS = (
    "fever_threshold",
    "fever_reducers",
    "low_temperature",
    "infection_signs",
    "infection_without_fever",
    "who_to_call",
    "temperature_after_drinking",
    "line_care",
)

# GSM 03.38 basic character set (one septet each) and extension table (two septets each).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€")

# Advice that must never reach someone on chemo who may have a fever (clinical-anchors §2, §10).
FORBIDDEN_ADVICE = (
    re.compile(r"\bwait(s|ed|ing)?\b", re.IGNORECASE),
    re.compile(r"\buntil (the )?morning\b", re.IGNORECASE),
    re.compile(r"\bin the morning\b", re.IGNORECASE),
    re.compile(r"\binstead of call", re.IGNORECASE),
    re.compile(r"\brecheck later\b", re.IGNORECASE),
    re.compile(r"\bsleep it off\b", re.IGNORECASE),
)
DOSE_AMOUNT = re.compile(
    r"\b\d+(\.\d+)?\s*(mg|mcg|g|ml|milligrams?|micrograms?|tablets?|pills?|capsules?|caplets?)\b"
    r"|\bmg\b",
    re.IGNORECASE,
)
# a number standing on its own ("n95" is a mask, not a reading)
NUMBER = re.compile(r"(?<![A-Za-z0-9.,])\d+(?:[.,]\d+)?")


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def knowledge_base() -> KnowledgeBase:
    return load_knowledge_base()


def _read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _examples_by_intent(path: Path) -> dict[str, list[str]]:
    """Rasa NLU YAML (`nlu:` -> `- intent:` / `examples: |`) as intent -> example texts."""
    document = _read_yaml(path)
    assert str(document["version"]) == "3.1"
    examples: dict[str, list[str]] = {}
    for item in document["nlu"]:
        lines = [line.strip() for line in item["examples"].splitlines() if line.strip()]
        assert all(line.startswith("- ") for line in lines), f"{path.name}: {item['intent']}"
        examples.setdefault(item["intent"], []).extend(line[2:].strip() for line in lines)
    return examples


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip(" ?!.")


def _parts(topic: Topic) -> tuple[str, ...]:
    return (topic.answer, *topic.more)


def _gsm7_septets(text: str) -> int | None:
    septets = 0
    for character in text:
        if character in GSM7_BASIC:
            septets += 1
        elif character in GSM7_EXTENSION:
            septets += 2
        else:
            return None
    return septets


def _looks_like_temperature(number: str) -> bool:
    value = float(number.replace(",", "."))
    return 32.0 <= value <= 43.0 or 89.6 <= value <= 109.4


# --- entries -----------------------------------------------------------------------------------


def test_every_section_9_topic_and_every_extra_topic_is_answered(knowledge_base):
    ids = {topic.id for topic in knowledge_base.topics()}
    missing_section_9 = {n: i for n, i in SECTION_9_TOPICS.items() if i not in ids}
    assert not missing_section_9
    assert not [topic_id for topic_id in EXTRA_TOPICS if topic_id not in ids]


def test_topic_ids_are_unique(knowledge_base):
    ids = [topic.id for topic in knowledge_base.topics()]
    assert len(ids) == len(set(ids))


def test_every_entry_cites_a_source_and_a_review_date_in_the_past(knowledge_base):
    for topic in knowledge_base.topics():
        assert topic.title
        assert topic.source.organisation
        assert topic.source.title
        assert topic.source.url.startswith(("https://", "http://")), topic.id
        assert re.fullmatch(r"(S\d+[a-z]?|§\d+)(, (S\d+[a-z]?|§\d+))*", topic.source.anchor)
        assert topic.reviewed <= date.today(), topic.id


def test_every_part_fits_one_sms_budget_in_gsm7_once_filled_in(knowledge_base):
    for topic in knowledge_base.topics():
        parts = _parts(topic)
        for number, part in enumerate(parts):
            text = render(part, CLINIC_NAME, PHONE_14_CHARS)
            if number < len(parts) - 1:
                text += MORE_HINT  # the app tells the person another part is waiting
            septets = _gsm7_septets(text)
            assert septets is not None, f"{topic.id}: non GSM-7 character in {text!r}"
            assert septets <= SMS_PART_LIMIT, f"{topic.id}: {septets} characters"
            assert "{" not in text and "}" not in text, f"{topic.id}: unfilled placeholder"


def test_answers_never_advise_waiting_or_rechecking_instead_of_calling(knowledge_base):
    for topic in knowledge_base.topics():
        for part in _parts(topic):
            for pattern in FORBIDDEN_ADVICE:
                assert not pattern.search(part), f"{topic.id}: {pattern.pattern!r} in {part!r}"


def test_answers_never_give_dose_amounts(knowledge_base):
    for topic in knowledge_base.topics():
        for part in _parts(topic):
            assert not DOSE_AMOUNT.search(part), f"{topic.id}: {part!r}"


def test_medicine_answers_send_the_person_to_their_care_team(knowledge_base):
    for topic_id in MEDICINE_TOPICS:
        topic = knowledge_base.get(topic_id)
        assert topic is not None, topic_id
        assert "team" in topic.answer or "{clinic_phone}" in topic.answer, topic_id


def test_fever_answers_say_to_call_the_clinic_and_get_the_when_to_call_line(knowledge_base):
    for topic_id in FEVER_TOPICS:
        topic = knowledge_base.get(topic_id)
        assert topic is not None, topic_id
        assert topic.touches_fever, topic_id
        assert "{clinic_phone}" in topic.answer, topic_id


def test_fever_reducer_answer_says_to_call_before_taking_anything(knowledge_base):
    answer = knowledge_base.get("fever_reducers").answer
    assert "can hide a fever" in answer
    assert "call {clinic_phone} before you take anything" in answer


def test_fever_threshold_answer_gives_both_units_and_says_call_at_night(knowledge_base):
    answer = knowledge_base.get("fever_threshold").answer
    assert "100.4F (38C)" in answer and "101F (38.3C)" in answer
    assert "even at night" in answer


def test_out_of_scope_reply_points_to_the_care_team(knowledge_base):
    reply = knowledge_base.by_intent(OUT_OF_SCOPE)
    assert reply is not None and reply.id == OUT_OF_SCOPE
    assert "{clinic_phone}" in reply.answer
    assert "care team" in reply.answer


def test_answers_are_short_sentences_at_a_plain_reading_level(knowledge_base):
    for topic in knowledge_base.topics():
        for part in _parts(topic):
            sentences = [s for s in re.split(r"[.!?:;](?:\s|$)", part) if s.strip()]
            longest = max(len(sentence.split()) for sentence in sentences)
            assert longest <= 40, f"{topic.id}: a {longest}-word sentence"
        assert len(topic.answer.split()) <= 60, topic.id


def test_topics_are_found_by_id_and_by_intent(knowledge_base):
    seafood = knowledge_base.get("raw_seafood")
    assert seafood is not None
    assert seafood.intent == "ask_raw_seafood"
    assert knowledge_base.by_intent("ask_raw_seafood") is seafood
    assert knowledge_base.get("no_such_topic") is None
    assert knowledge_base.by_intent("greet") is None


def test_render_fills_the_clinic_name_and_phone():
    text = render("Call {clinic_name} on {clinic_phone} now.", "Riverside", PHONE_14_CHARS)
    assert text == "Call Riverside on (555) 010-0199 now."


# --- Rasa domain, rules, training data -----------------------------------------------------------


def test_domain_lists_exactly_the_knowledge_base_intents(knowledge_base):
    domain = _read_yaml(DOMAIN_FILE)
    assert str(domain["version"]) == "3.1"
    assert sorted(domain["intents"]) == sorted(t.intent for t in knowledge_base.topics())


def test_every_intent_has_one_rule_to_the_answer_action(knowledge_base):
    rules = _read_yaml(RULES_FILE)["rules"]
    steps_by_intent: dict[str, list[dict[str, str]]] = {}
    for rule in rules:
        intent = rule["steps"][0]["intent"]
        assert intent not in steps_by_intent, f"two rules for {intent}"
        steps_by_intent[intent] = rule["steps"]
    assert set(steps_by_intent) == {t.intent for t in knowledge_base.topics()}
    for intent, steps in steps_by_intent.items():
        assert steps == [{"intent": intent}, {"action": ANSWER_ACTION}], intent


def test_every_intent_has_enough_distinct_training_examples(knowledge_base):
    examples = _examples_by_intent(TRAINING_FILE)
    assert set(examples) == {t.intent for t in knowledge_base.topics()}
    for intent, texts in examples.items():
        minimum = 30 if intent == OUT_OF_SCOPE else 15
        assert len({_normalise(text) for text in texts}) >= minimum, intent


def test_no_training_example_appears_twice():
    seen: dict[str, str] = {}
    for intent, texts in _examples_by_intent(TRAINING_FILE).items():
        for text in texts:
            key = _normalise(text)
            assert key not in seen, f"{text!r} in {intent} and {seen[key]}"
            seen[key] = intent


def test_education_examples_contain_no_temperature_readings():
    # A number like 38.5 or 101 is a report, owned by the report intents, not a question.
    for path in (TRAINING_FILE, HELDOUT_FILE):
        for intent, texts in _examples_by_intent(path).items():
            for text in texts:
                readings = [n for n in NUMBER.findall(text) if _looks_like_temperature(n)]
                assert not readings, f"{path.name}: {intent}: {text!r}"


def test_heldout_set_covers_every_intent_and_never_copies_training():
    training = _examples_by_intent(TRAINING_FILE)
    heldout = _examples_by_intent(HELDOUT_FILE)
    assert set(heldout) == set(training)
    assert sum(len(texts) for texts in heldout.values()) >= 250
    for intent, texts in heldout.items():
        assert len(texts) >= (25 if intent == OUT_OF_SCOPE else 4), intent
    training_texts = {_normalise(t) for texts in training.values() for t in texts}
    copied = [t for texts in heldout.values() for t in texts if _normalise(t) in training_texts]
    assert not copied
    heldout_texts = [_normalise(t) for texts in heldout.values() for t in texts]
    assert len(heldout_texts) == len(set(heldout_texts))


# --- loader validation ---------------------------------------------------------------------------


def _valid_entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "sample_topic",
        "title": "A sample",
        "answer": "Ask your team at {clinic_phone}.",
        "touches_fever": False,
        "source": {
            "organisation": "CDC",
            "title": "A page",
            "url": "https://example.org/page",
            "anchor": "S9",
        },
        "reviewed": date(2026, 1, 2),
    }
    entry.update(changes)
    return entry


def _write_topics(directory: Path, name: str, *entries: dict[str, Any]) -> None:
    text = yaml.safe_dump({"topics": list(entries)}, allow_unicode=True, sort_keys=False)
    (directory / name).write_text(text, encoding="utf-8")


def test_loader_reads_a_valid_directory(tmp_path):
    _write_topics(tmp_path, "a.yml", _valid_entry(more=["Then text MORE."]))
    knowledge_base = load_knowledge_base(tmp_path)
    topic = knowledge_base.get("sample_topic")
    assert topic is not None
    assert topic.more == ("Then text MORE.",)
    assert topic.reviewed == date(2026, 1, 2)
    assert topic.source.anchor == "S9"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"answer": "word " * 70}, "answer"),
        ({"answer": "Fever is 38 °C."}, "answer"),
        ({"answer": "Call now \U0001f642"}, "answer"),
        ({"answer": "Call {clinic_number}."}, "answer"),
        ({"more": ["word " * 70]}, "more[0]"),
        ({"answer": "word " * 62, "more": ["Then this."]}, "answer"),
        ({"touches_fever": "no"}, "touches_fever"),
        ({"reviewed": "last week"}, "reviewed"),
        ({"id": "Sample Topic"}, "id"),
        (
            {"source": {"organisation": "CDC", "title": "t", "url": "https://x.org"}},
            "source.anchor",
        ),
        (
            {"source": {"organisation": "CDC", "title": "t", "url": "x.org", "anchor": "S9"}},
            "source.url",
        ),
        ({"touches_fevre": True}, "touches_fevre"),
    ],
)
def test_loader_rejects_an_invalid_entry_naming_file_and_field(tmp_path, changes, field):
    _write_topics(tmp_path, "broken.yml", _valid_entry(**changes))
    with pytest.raises(ValueError, match=re.escape(f"'{field}'")) as raised:
        load_knowledge_base(tmp_path)
    assert "broken.yml" in str(raised.value)


def test_loader_rejects_a_missing_field(tmp_path):
    entry = _valid_entry()
    del entry["source"]
    _write_topics(tmp_path, "broken.yml", entry)
    with pytest.raises(ValueError, match=r"broken\.yml: topic 'sample_topic': missing .*source"):
        load_knowledge_base(tmp_path)


def test_loader_rejects_the_same_id_in_two_files(tmp_path):
    _write_topics(tmp_path, "a.yml", _valid_entry())
    _write_topics(tmp_path, "b.yml", _valid_entry())
    with pytest.raises(ValueError, match=r"b\.yml: topic id 'sample_topic' .* a\.yml"):
        load_knowledge_base(tmp_path)


def test_loader_rejects_an_empty_directory(tmp_path):
    with pytest.raises(ValueError, match="no knowledge-base files"):
        load_knowledge_base(tmp_path)
