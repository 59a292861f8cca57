"""The real stack (`nadir serve`: Rasa server, action server, worker) driven by signed SMS webhooks,
with the real twilio client sending to a local fake Twilio API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.support.stack import RunningNadir, start_nadir, stop_nadir

pytestmark = pytest.mark.integration

PATIENT = "+16175550101"
CAREGIVER = "+16175550102"
NURSE = "+16175550190"
BACKUP = "+16175550191"
STRANGER = "+16175550177"


@pytest.fixture(scope="module")
def nadir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNadir]:
    # two Rasa processes, as on the 2-core machines it is sized for, whatever this one has
    running = start_nadir(tmp_path_factory.mktemp("nadir"), {"NADIR_RASA_WORKERS": "2"})
    chemo = (date.today() - timedelta(days=9)).isoformat()
    for args in (
        ["team", "add", "--name", "Dana Reyes", "--phone", NURSE],
        ["team", "add", "--name", "Lee Chen", "--phone", BACKUP, "--role", "backup"],
        ["patient", "add", "--phone", PATIENT, "--name", "Alex Morgan", "--chemo-date", chemo],
        ["caregiver", "add", "--phone", CAREGIVER, "--patient", PATIENT, "--name", "Sam Morgan"],
    ):
        done = running.cli(*args)
        assert done.returncode == 0, done.stderr
    yield running
    rasa_processes = running.rasa_workers()
    assert stop_nadir(running) == 0, "nadir serve shuts down cleanly on SIGTERM"
    assert not any(Path(f"/proc/{pid}").exists() for pid in rasa_processes)
    assert "Traceback" not in running.log(), running.log()[-3000:]


def test_a_report_by_sms_is_stored_and_answered(nadir: RunningNadir) -> None:
    status, body = nadir.text(PATIENT, "temp 99.1 under my arm")
    assert status == 200 and "<Response>" in body
    saved, checklist = (m["body"] for m in nadir.wait_for(PATIENT, 2)[:2])
    assert saved.startswith("Saved") and "37.3C" in saved
    assert "0" in checklist and "1" in checklist  # symptoms are asked with numbered choices
    nadir.text(PATIENT, "0")
    assert "none of those" in nadir.wait_for(PATIENT, 3)[2]["body"]
    record = nadir.cli_json("readings", "--phone", PATIENT)
    temperature = next(i for i in record["items"] if i["kind"] == "temperature")
    assert temperature["celsius"] == pytest.approx(37.28, abs=0.01)
    assert temperature["site"] == "armpit" and temperature["reporter"] == "patient"
    assert not any(item["kind"] == "symptom" for item in record["items"])
    assert nadir.messages_to(NURSE) == []


def test_fever_pages_the_nurse_and_the_acknowledgement_reaches_the_patient(
    nadir: RunningNadir,
) -> None:
    before = len(nadir.messages_to(PATIENT))
    nadir.text(PATIENT, "101.5 and shaking")
    page = nadir.wait_for(NURSE, 1)[-1]["body"]
    assert "EMERGENCY" in page and PATIENT in page
    advice = nadir.wait_for(PATIENT, before + 1)[before]["body"]
    assert "617-555-0123" in advice
    code = page.split("EMERGENCY ")[1].split(":")[0]
    log = nadir.cli_json("escalations", "--open")
    assert [item["code"] for item in log] == [code]


def test_a_forged_request_is_refused_and_stores_nothing(nadir: RunningNadir) -> None:
    form = {"MessageSid": "SMforged", "From": PATIENT, "Body": "39.9", "To": "+16175550000"}
    assert nadir.post(form, signature="bm90IGEgc2lnbmF0dXJl")[0] == 403
    assert nadir.post(form, signature=None)[0] == 403
    record = nadir.cli_json("readings", "--phone", PATIENT)
    assert all(item.get("celsius") != 39.9 for item in record["items"])


def test_the_same_message_delivered_twice_at_once_is_processed_once(nadir: RunningNadir) -> None:
    sid = "SM" + "d" * 32
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(nadir.text(CAREGIVER, "she is at 37.3", sid=sid)[0])
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200, 200]
    nadir.wait_for(CAREGIVER, 1)
    record = nadir.cli_json("readings", "--phone", PATIENT)
    assert sum(1 for item in record["items"] if item.get("celsius") == pytest.approx(37.3)) == 1


def test_two_rasa_processes_answer_a_burst_from_one_patient_in_full(nadir: RunningNadir) -> None:
    newcomer = "+16175550155"
    chemo = (date.today() - timedelta(days=9)).isoformat()
    nadir.cli("patient", "add", "--phone", newcomer, "--name", "Jo Park", "--chemo-date", chemo)
    assert len(nadir.rasa_workers()) == 2
    question = "how should I wash my hands?"
    threads = [threading.Thread(target=nadir.text, args=(newcomer, question)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    replies = nadir.wait_for(newcomer, 6)
    assert all("Wash with soap and water" in reply["body"] for reply in replies)
    assert len(nadir.messages_to(newcomer)) == 6


@pytest.mark.parametrize(
    "body",
    ["", "🙂🙂", "x" * 2000, "'; DROP TABLE patients; --", "\x00\x01\x1b[2J", "Body=1&From=+1555"],
)
def test_bad_input_gets_a_reply_and_never_a_server_error(nadir: RunningNadir, body: str) -> None:
    before = len(nadir.messages_to(STRANGER))
    status, _ = nadir.text(STRANGER, body)
    assert status == 200
    assert nadir.wait_for(STRANGER, before + 1)[before]["body"].strip()
