"""The `nadir` command: enrol people, read the record, audit escalations, run the assistant."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy.exc import ArgumentError, OperationalError

from bot.clinical.anc import parse_anc
from bot.config import ConfigError, load_settings
from bot.db.migrate import upgrade
from bot.db.session import unit_of_work
from bot.phone import InvalidPhoneNumber
from bot.runtime import Runtime, build_runtime, utc_now
from bot.services import enrolment, escalation, reporting
from bot.services.audit import escalation_log
from bot.services.enrolment import Caller, CallerKind, EnrolmentError, Role


class UsageError(Exception):
    """Bad arguments: printed as-is, exit status 2."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-20") from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time like 2026-11-20T08:30") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} needs a time zone, like 2026-11-20T08:30-05:00 or ...Z"
        )
    return moment.astimezone(timezone.utc)


def _birth_year(text: str) -> int:
    if not text.isdigit() or len(text) != 4:
        raise argparse.ArgumentTypeError(f"{text!r} is not a four-digit year")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nadir", description="Nadir: chemotherapy nadir SMS assistant"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    team = commands.add_parser("team", help="care-team members who are paged").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    team_add = team.add_parser(
        "add", help="add a care-team member (backups are paged in the order added)"
    )
    team_add.add_argument("--name", required=True)
    team_add.add_argument("--phone", required=True)
    team_add.add_argument("--role", choices=[r.value for r in Role], default=Role.PRIMARY.value)
    team.add_parser("list", help="list the care team in paging order")

    patient = commands.add_parser("patient", help="patients").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    patient_add = patient.add_parser("add", help="enrol a patient")
    patient_add.add_argument("--phone", required=True)
    patient_add.add_argument("--name", required=True)
    patient_add.add_argument("--chemo-date", type=_date)
    patient_add.add_argument("--birth-year", type=_birth_year)
    chemo = patient.add_parser("chemo", help="record a chemotherapy dose")
    chemo.add_argument("--phone", required=True)
    chemo.add_argument("--date", required=True, type=_date)
    anc = patient.add_parser("anc", help="record an ANC result (10^9/L; 400 or 400/uL means 0.4)")
    anc.add_argument("--phone", required=True)
    anc.add_argument("--value", required=True)
    anc.add_argument(
        "--at", type=_moment, help="when the blood was taken (ISO 8601 with zone); default now"
    )
    patient.add_parser("list", help="list patients with their consent state")

    caregiver = commands.add_parser("caregiver", help="caregivers").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    caregiver_add = caregiver.add_parser("add", help="link a caregiver's phone to a patient")
    caregiver_add.add_argument("--phone", required=True)
    caregiver_add.add_argument("--patient", required=True, help="the patient's phone number")
    caregiver_add.add_argument("--name", required=True)

    readings = commands.add_parser(
        "readings", help="a patient's readings and symptoms, newest first"
    )
    readings.add_argument("--phone", required=True)
    readings.add_argument("--json", action="store_true")

    escalations = commands.add_parser("escalations", help="escalations with every hop (audit)")
    escalations.add_argument("--open", action="store_true", help="only open or acknowledged ones")
    escalations.add_argument("--json", action="store_true")

    commands.add_parser("migrate", help="create or upgrade the database schema")

    check = commands.add_parser(
        "check-webhook",
        help="check that Twilio's signed requests reach Nadir and are accepted",
    )
    check.add_argument("--url", help="public inbound URL (default: TWILIO_WEBHOOK_URL)")
    check.add_argument(
        "--status-url", help="public status callback URL (default: TWILIO_STATUS_CALLBACK_URL)"
    )

    run = commands.add_parser("run", help="the whole assistant with a terminal chat and demo data")
    run.add_argument("--phone", help="text as this number (default: the demo patient)")
    commands.add_parser(
        "serve", help="the whole assistant in the foreground, no chat, no demo data"
    )
    commands.add_parser(
        "worker", help="deliver the outbox and run scheduled jobs (started by run/serve)"
    )
    return parser


def _runtime() -> Runtime:
    rt = build_runtime(load_settings())
    upgrade(rt.engine)
    return rt


def _reassess(rt: Runtime, session: Any, patient: Any, now: datetime) -> str | None:
    """A new chemo date or ANC result can change what existing reports mean: assess again."""
    caller = Caller(CallerKind.PATIENT, patient.phone, patient=patient)
    assessment = reporting.assess_patient(session, patient, now, rt.settings.profile)
    if assessment.pages_care_team and escalation.act_on(
        session, rt.settings, caller, assessment, now
    ):
        return f"Reassessed: {assessment.disposition.value}; the care team has been paged."
    return None


def _print_json(data: Any) -> None:
    print(
        json.dumps(
            data, indent=2, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)
        )
    )


def _handle(args: argparse.Namespace) -> int:
    if args.command in {"run", "serve", "worker"}:
        from bot import launcher

        return launcher.main(args)
    if args.command == "check-webhook":
        return _check_webhook(args)
    rt = _runtime()
    region = rt.settings.default_region
    now = utc_now()
    follow_up: str | None = None
    with unit_of_work(rt.sessions) as session:
        if args.command == "migrate":
            print("Database schema is up to date.")
        elif args.command == "team" and args.action == "add":
            member = enrolment.add_team_member(
                session,
                name=args.name,
                phone=args.phone,
                role=Role(args.role),
                now=now,
                region=region,
            )
            print(f"Added {member.name} ({member.phone}) to the care team as {member.role}.")
        elif args.command == "team" and args.action == "list":
            members = enrolment.paging_order(session)
            if not members:
                print(
                    "No care-team members yet. Add one with: nadir team add --name NAME --phone NUMBER"
                )
            for order, member in enumerate(members, start=1):
                print(f"{order}. {member.name} {member.phone} ({member.role})")
        elif args.command == "patient" and args.action == "add":
            patient = enrolment.add_patient(
                session,
                name=args.name,
                phone=args.phone,
                now=now,
                chemo_date=args.chemo_date,
                birth_year=args.birth_year,
                region=region,
            )
            print(f"Enrolled {patient.name} ({patient.phone}).")
        elif args.command == "patient" and args.action == "chemo":
            patient = enrolment.find_patient(session, args.phone, region)
            enrolment.record_chemo(session, patient=patient, given_on=args.date, now=now)
            session.flush()
            session.refresh(patient)
            print(f"Recorded chemotherapy on {args.date.isoformat()} for {patient.name}.")
            follow_up = _reassess(rt, session, patient, now)
        elif args.command == "patient" and args.action == "anc":
            value = parse_anc(args.value)
            if value is None:
                raise UsageError(f"{args.value!r} is not an ANC value (like 0.4, 1.2 or 400/uL)")
            patient = enrolment.find_patient(session, args.phone, region)
            enrolment.record_anc(
                session, patient=patient, value=value, measured_at=args.at or now, now=now
            )
            session.flush()
            session.refresh(patient)
            print(f"Recorded ANC {value:g} x10^9/L for {patient.name}.")
            follow_up = _reassess(rt, session, patient, now)
        elif args.command == "patient" and args.action == "list":
            _list_patients(session)
        elif args.command == "caregiver" and args.action == "add":
            caregiver = enrolment.add_caregiver(
                session,
                name=args.name,
                phone=args.phone,
                patient_phone=args.patient,
                now=now,
                region=region,
            )
            print(
                f"Linked caregiver {caregiver.name} ({caregiver.phone}) to {caregiver.patient.name}."
            )
        elif args.command == "readings":
            _readings(session, enrolment.find_patient(session, args.phone, region), args.json, rt)
        elif args.command == "escalations":
            log = escalation_log(session, only_open=args.open)
            if args.json:
                _print_json(log)
            else:
                _print_escalations(log, rt)
    if follow_up:
        escalation.flush_outbox(rt)
        print(follow_up)
    return 0


def _check_webhook(args: argparse.Namespace) -> int:
    from bot.channels.twilio_sms import check_webhooks

    results = check_webhooks(load_settings(), inbound_url=args.url, status_url=args.status_url)
    for result in results:
        mark = "OK  " if result.ok else "FAIL"
        where = f" {result.url}" if result.url else ""
        print(f"{mark} {result.name}{where}: {result.detail}")
    return 0 if all(result.ok for result in results) else 1


def _list_patients(session: Any) -> None:
    from sqlalchemy import select

    from bot.db.models import Patient

    patients = list(session.execute(select(Patient).order_by(Patient.id)).scalars())
    if not patients:
        print("No patients yet. Enrol one with: nadir patient add --phone NUMBER --name NAME")
    for patient in patients:
        consent = "OPTED OUT" if patient.opted_out else "texts on"
        last = max((d.given_on for d in patient.chemo_doses), default=None)
        chemo = f"last chemo {last.isoformat()}" if last else "no chemo date"
        print(f"{patient.phone}  {patient.name}  ({chemo}; {consent})")


def _readings(session: Any, patient: Any, as_json: bool, rt: Runtime) -> None:
    items = reporting.readings_and_symptoms(session, patient)
    if as_json:
        _print_json(
            {
                "patient": {
                    "name": patient.name,
                    "phone": patient.phone,
                    "opted_out": patient.opted_out,
                },
                "caregivers": [
                    {"name": c.name, "phone": c.phone, "opted_out": c.opted_out}
                    for c in patient.caregivers
                ],
                "items": items,
            }
        )
        return
    consent = "opted out of texts" if patient.opted_out else "texts on"
    print(f"{patient.name} ({patient.phone}), {consent}")
    for caregiver in patient.caregivers:
        their = "opted out of texts" if caregiver.opted_out else "texts on"
        print(f"  caregiver {caregiver.name} ({caregiver.phone}), {their}")
    if not items:
        print("  Nothing reported yet.")
    tz = rt.settings.timezone
    for item in items:
        when = item["at"].astimezone(tz).strftime("%Y-%m-%d %H:%M")
        by = f"by {item['reporter']}" + (
            f" {item['reporter_phone']}" if item["reporter"] == "caregiver" else ""
        )
        if item["kind"] == "temperature":
            site = f" {item['site']}" if item["site"] else ""
            unit = item["unit_given"] or "?"
            what = (
                f"temperature {item['celsius']:.1f}C{site} (given {item['value_given']:g} {unit})"
            )
        elif item["kind"] == "symptom":
            count = f" x{item['count']}" if item["count"] else ""
            flag = " RED FLAG" if item["red_flag"] else ""
            onset = item["onset_at"]
            since = f" since {onset.astimezone(tz):%a %H:%M}" if onset else ""
            what = f"symptom {item['code']}{count}{since}{flag}"
        else:
            what = f"fever reducer {item['medicine']}"
        print(f'  {when}  {what}  {by}  "{item["raw_text"][:60]}"')


def _print_escalations(log: list[dict], rt: Runtime) -> None:
    if not log:
        print("No escalations.")
    tz = rt.settings.timezone
    for item in log:
        print(
            f"{item['code']}  {item['disposition'].upper()}  {item['status']}  {item['patient']} ({item['patient_phone']})"
        )
        for hop in item["events"]:
            when = datetime.fromisoformat(hop["at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
            who = f" {hop['member']}" if hop.get("member") else ""
            delivery = f" [{hop['delivery']}]" if hop.get("delivery") else ""
            detail = f" - {hop['detail'].splitlines()[0]}" if hop.get("detail") else ""
            print(f"    {when}  {hop['kind']}{who}{delivery}{detail}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _handle(args)
    except (EnrolmentError, InvalidPhoneNumber, ConfigError, UsageError) as error:
        print(f"nadir: {error}", file=sys.stderr)
        return 2
    except ArgumentError:
        print(
            "nadir: DATABASE_URL is not a database URL (like sqlite:///var/nadir.db)",
            file=sys.stderr,
        )
        return 2
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "unreachable"
        print(f"nadir: cannot use the database in DATABASE_URL: {reason}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
