from __future__ import annotations

import pytest

from bot.sms.gsm7 import is_gsm7, segment_count, to_gsm7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It’s time for your check", "It's time for your check"),
        ("Reply “YES” to confirm", 'Reply "YES" to confirm'),
        ("Call now – don’t wait", "Call now - don't wait"),
        ("Call now — don’t wait", "Call now - don't wait"),
        ("Temperature −1", "Temperature -1"),
        ("Please wait…", "Please wait..."),
        ("38.0\u00a0°C or higher", "38.0C or higher"),
        ("38.0°C", "38.0C"),
        ("100.4°F", "100.4F"),
        ("• Chills\n• Shivering", "- Chills\n- Shivering"),
        ("≥38.0C", ">=38.0C"),
        ("Hi 👋 there", "Hi there"),
        ("Thanks 🙏\nNadir team", "Thanks\nNadir team"),
        ("Great!👍", "Great!"),
        ("Stay safe ❤️", "Stay safe"),
        ("Ok 👍🏽 👨‍👩‍👧 done", "Ok done"),
        ("Café Señor", "Café Señor"),  # é and ñ are GSM-7; nothing to change
        ("São Paulo, naïve, façade", "Sao Paulo, naive, facade"),
        ("ﬁve", "five"),
        ("5 µg", "5 ug"),
        ("½ tablet", "1/2 tablet"),
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_to_gsm7_replaces_typography_with_plain_text(text: str, expected: str) -> None:
    assert to_gsm7(text) == expected
    assert is_gsm7(to_gsm7(text))


def test_to_gsm7_combines_decomposed_accents() -> None:
    assert to_gsm7("Cafe\u0301 nai\u0308ve q\u0301") == "Café naive q"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Позвоните нам 👍", "Позвоните нам"),
        ("请立即致电 — 38°C", "请立即致电 - 38C"),
        ("اتصل بنا الآن", "اتصل بنا الآن"),
        ("Καλέστε μας", "Καλέστε μας"),
        ("कृपया कॉल करें 🙏", "कृपया कॉल करें"),  # vowel signs are combining marks
    ],
)
def test_to_gsm7_keeps_words_of_other_scripts(text: str, expected: str) -> None:
    # Dropping them would send an empty or meaningless SMS; UCS-2 carries them instead.
    assert to_gsm7(text) == expected


def test_to_gsm7_keeps_plain_gsm7_text_unchanged() -> None:
    text = 'Call 555-0100 now if your temperature is 38.0C or higher. Reply "STOP" to end.\n€5 [ok]'

    assert to_gsm7(text) == text


def test_is_gsm7() -> None:
    assert is_gsm7("Hello @ £5 {ok} ~ € Ä ñ")
    assert not is_gsm7("Hello ’")
    assert not is_gsm7("😀")
    assert not is_gsm7("á")  # accented a is not in the GSM-7 alphabet (à is)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 0),
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        # extension characters cost two septets
        ("€" * 80, 1),
        ("€" * 81, 2),
        ("a" * 159 + "^", 2),
        ("a" * 158 + "^", 1),
        # an escaped character is never split across parts: 152 + 2 does not fit in 153
        ("a" * 152 + "{" + "a" * 152, 3),
        ("a" * 151 + "{" + "a" * 153, 2),
        # any non-GSM-7 character switches the whole message to UCS-2
        ("á" * 70, 1),
        ("á" * 71, 2),
        ("a" * 69 + "’", 1),
        ("a" * 70 + "’", 2),
        ("á" * 134, 2),
        ("á" * 135, 3),
        # an emoji is two UTF-16 units
        ("😀" * 35, 1),
        ("😀" * 36, 2),
    ],
)
def test_segment_count(text: str, segments: int) -> None:
    assert segment_count(text) == segments


def test_converting_to_gsm7_can_save_segments() -> None:
    curly = "It’s important " * 10  # 150 characters with curly apostrophes

    assert segment_count(curly) == 3
    assert segment_count(to_gsm7(curly)) == 1
