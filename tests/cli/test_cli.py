"""The `nadir` admin CLI, as clinics and black-box tests use it (in-process, real SQLite file)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from bot.cli import main


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'nadir.db'}")
    monkeypatch.setenv("NADIR_DATA_DIR", str(tmp_path))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_care_team_is_listed_in_paging_order_with_numbers_normalised(capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        run(
            capsys,
            "team",
            "add",
            "--name",
            "Lee Chen",
            "--phone",
            "617.555.0191",
            "--role",
            "backup",
        )[0]
        == 0
    )
    assert run(capsys, "team", "add", "--name", "Dana Reyes", "--phone", "(617) 555-0190")[0] == 0
    assert (
        run(
            capsys,
            "team",
            "add",
            "--name",
            "Kim Park",
            "--phone",
            "+1 617 555 0192",
            "--role",
            "backup",
        )[0]
        == 0
    )
    _, out, _ = run(capsys, "team", "list")
    lines = out.strip().splitlines()
    assert lines[0] == "1. Dana Reyes +16175550190 (primary)"
    assert [line.split()[1] for line in lines[1:]] == ["Lee", "Kim"]


def test_bad_arguments_get_a_clear_message_a_nonzero_exit_and_write_nothing(capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "patient", "add", "--phone", "not a phone", "--name", "Alex")
    assert code == 2 and "not a phone number" in err
    assert run(capsys, "patient", "add", "--phone", "6175550101", "--name", "Alex Morgan")[0] == 0
    code, _, err = run(
        capsys, "patient", "add", "--phone", "+16175550101", "--name", "Someone Else"
    )
    assert code == 2 and "already enrolled" in err
    code, _, err = run(capsys, "patient", "anc", "--phone", "6175550101", "--value", "lots")
    assert code == 2 and "not an ANC value" in err
    code, _, err = run(
        capsys,
        "caregiver",
        "add",
        "--phone",
        "6175550102",
        "--patient",
        "6175550199",
        "--name",
        "Sam",
    )
    assert code == 2 and "no patient" in err
    with pytest.raises(SystemExit):  # argparse: a date that is not a date
        main(["patient", "chemo", "--phone", "6175550101", "--date", "yesterday"])
    _, out, _ = run(capsys, "patient", "list")
    assert out.count("+1617555") == 1


def test_readings_json_lists_what_was_recorded_newest_first(capsys) -> None:  # type: ignore[no-untyped-def]
    run(capsys, "patient", "add", "--phone", "6175550101", "--name", "Alex Morgan")
    at = (datetime.now(timezone.utc) - timedelta(hours=2)).isoformat()
    assert (
        run(capsys, "patient", "anc", "--phone", "6175550101", "--value", "400/uL", "--at", at)[0]
        == 0
    )
    code, out, _ = run(capsys, "readings", "--phone", "617-555-0101", "--json")
    record = json.loads(out)
    assert code == 0 and record["patient"]["phone"] == "+16175550101" and record["items"] == []


def test_readings_say_since_when_a_symptom_began(capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.clinical.model import SymptomCode, SymptomMention
    from bot.clinical.report import ParsedReport
    from bot.config import load_settings
    from bot.db.session import unit_of_work
    from bot.runtime import build_runtime
    from bot.services import enrolment
    from bot.services.reporting import store_report

    run(capsys, "patient", "add", "--phone", "6175550101", "--name", "Alex Morgan")
    rt = build_runtime(load_settings())
    now = datetime.now(timezone.utc)
    onset = now - timedelta(days=2)
    cough = SymptomMention(SymptomCode.COUGH, "coughing since sunday", now, onset_at=onset)
    parsed = ParsedReport((), (), (cough,), (), says_no_symptoms=False, caregiver_concern=False)
    with unit_of_work(rt.sessions) as session:
        caller = enrolment.identify(session, "+16175550101")
        store_report(
            session, caller=caller, parsed=parsed, text="", now=now, profile=rt.settings.profile
        )
    _, out, _ = run(capsys, "readings", "--phone", "6175550101")
    since = onset.astimezone(rt.settings.timezone).strftime("%a %H:%M")
    assert f"symptom cough since {since}  by patient" in out
    _, out, _ = run(capsys, "readings", "--phone", "6175550101", "--json")
    (item,) = json.loads(out)["items"]
    assert datetime.fromisoformat(item["onset_at"]) == onset


def test_an_anc_that_changes_the_picture_pages_the_team(capsys) -> None:  # type: ignore[no-untyped-def]
    from bot.clinical.report import parse_report
    from bot.config import load_settings
    from bot.db.session import unit_of_work
    from bot.runtime import build_runtime
    from bot.services import enrolment
    from bot.services.reporting import store_report

    run(capsys, "team", "add", "--name", "Dana Reyes", "--phone", "6175550190")
    run(capsys, "patient", "add", "--phone", "6175550101", "--name", "Alex Morgan")
    rt = build_runtime(load_settings())
    now = datetime.now(timezone.utc)
    with unit_of_work(rt.sessions) as session:  # a single 38.1: recheck, not yet a page (R5)
        caller = enrolment.identify(session, "+16175550101")
        parsed = parse_report("38.1", now, rt.settings.timezone)
        result = store_report(
            session, caller=caller, parsed=parsed, text="38.1", now=now, profile=rt.settings.profile
        )
        assert not result.assessment.pages_care_team
    code, out, _ = run(capsys, "patient", "anc", "--phone", "6175550101", "--value", "0.3")
    assert code == 0 and "paged" in out  # R3: 38.0-38.2 with known severe neutropenia
    _, out, _ = run(capsys, "escalations", "--open", "--json")
    (item,) = json.loads(out)
    assert item["disposition"] == "emergency" and any("R3" in line for line in item["criteria"])


def test_a_bad_database_url_is_explained(capsys, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", "not a url")
    code, _, err = run(capsys, "team", "list")
    assert code == 2 and "DATABASE_URL" in err


def test_a_new_primary_is_paged_first_even_after_an_earlier_primary(capsys) -> None:  # type: ignore[no-untyped-def]
    run(capsys, "team", "add", "--name", "Dana Reyes", "--phone", "6175550190")
    run(capsys, "team", "add", "--name", "Lee Chen", "--phone", "6175550191", "--role", "backup")
    run(
        capsys, "team", "add", "--name", "Kim Park", "--phone", "6175550192"
    )  # takes over as primary
    run(capsys, "team", "add", "--name", "Ola Berg", "--phone", "6175550193")
    _, out, _ = run(capsys, "team", "list")
    names = [line.split(". ", 1)[1].split(" +")[0] for line in out.strip().splitlines()]
    assert names == ["Ola Berg", "Kim Park", "Dana Reyes", "Lee Chen"]
    assert out.count("(primary)") == 1 and "Ola Berg +16175550193 (primary)" in out
