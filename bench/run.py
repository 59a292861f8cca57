"""`make bench`: Nadir and a stock-Rasa baseline, driven through the real SMS webhook.

    .venv/bin/python -m bench.run [--conversations 10] [--rates 10,20,40] [--skip-baseline]

First the training: Nadir's cold training and the baseline's (cached in var/bench/ after its
first run), and each model's load time. Then each system in turn, never both at once so they
do not share the two cores: start the stack, enrol simulated patients, a short warm-up, one
patient alone, N concurrent conversations (closed loop), and an open-loop ramp of arrival rates
until p95 reply latency reaches 500 ms or a message is lost. Results go to docs/benchmarks.json
and docs/benchmarks.md, and the tables are printed. Scratch files go to var/bench/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from bench import report
from bench.machine import describe
from bench.stacks import (
    MemorySampler,
    Population,
    System,
    base_env,
    cpu_between,
    cpu_snapshot,
    enrol,
    make_population,
    peak_memory_mb,
    role_processes,
    start_baseline,
    start_nadir,
)
from bench.stats import (
    Kind,
    Outcome,
    RateStep,
    Sent,
    achieved_rate,
    attribute,
    check_delivery,
    highest_sustained_rate,
    step_sustained,
    summarise,
)
from bench.traffic import (
    CONVERSATION_TURNS,
    SmsBook,
    StampingTwilio,
    TrafficPlan,
    drain,
    load_questions,
    run_arrivals,
    run_conversations,
    run_history,
)
from bench.training import BaselineModel, baseline_model, cold_train, measure_model_load

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "var" / "bench"
WARMUP_PATIENTS = 4
# what the baseline's traffic phases take after its model is trained: start, enrol, warm-up,
# conversations and a few ramp steps
BASELINE_TRAFFIC_RESERVE_SECONDS = 210
DRAIN_ALLOWANCE_SECONDS = 5
KEEP_RUNS = 3  # scratch directories of the latest runs kept in var/bench for their logs


class Progress:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def __call__(self, message: str) -> None:
        minutes, seconds = divmod(int(self.elapsed), 60)
        print(f"[{minutes:02d}:{seconds:02d}] {message}", flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--conversation-seconds", type=float, default=40.0)
    parser.add_argument("--warmup-seconds", type=float, default=6.0)
    parser.add_argument(
        "--history-turns", type=int, default=40, help="messages from one patient in a row"
    )
    parser.add_argument(
        "--rates",
        default="5,10,20,30,40,50,60,80,100",
        help="messages per second, comma-separated",
    )
    parser.add_argument("--step-seconds", type=float, default=15.0)
    parser.add_argument("--patients", type=int, default=400, help="regular simulated patients")
    parser.add_argument(
        "--settle",
        type=float,
        default=0.5,
        help="a patient's next message waits until no SMS reached them for this long",
    )
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=14.5,
        help="stop starting new ramp steps when the run would pass this",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-nadir", action="store_true", help="only the baseline (debugging)")
    parser.add_argument(
        "--retrain-baseline", action="store_true", help="ignore the cached baseline model"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "benchmarks.json")
    parser.add_argument("--markdown", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--command", default="make bench", help="recorded in the results")
    return parser.parse_args(argv)


def _phase_outcomes(outcomes: Sequence[Outcome], phase: str) -> list[Outcome]:
    return [o for o in outcomes if o.sent.phase == phase]


def _latencies(outcomes: Sequence[Outcome]) -> dict[str, object]:
    paging = [o for o in outcomes if o.sent.kind is Kind.PAGING]
    return {
        "reply": summarise(o.reply_seconds for o in outcomes).to_json(),
        "webhook": summarise(o.sent.webhook_seconds for o in outcomes).to_json(),
        "escalation": summarise(o.page_seconds for o in paging).to_json(),
        "mix": {kind.value: sum(1 for o in outcomes if o.sent.kind is kind) for kind in Kind},
    }


def _history(outcomes: Sequence[Outcome], window: int = 10) -> dict[str, object]:
    """Reply latency of one patient's first messages against their last ones."""
    ordered = sorted(outcomes, key=lambda o: o.sent.sent_at)
    return {
        "messages": len(ordered),
        "window": window,
        "first": summarise(o.reply_seconds for o in ordered[:window]).to_json(),
        "last": summarise(o.reply_seconds for o in ordered[-window:]).to_json(),
        "reply_seconds": [o.reply_seconds for o in ordered],
    }


def _rate_step(rate: float, sent: Sequence[Sent], outcomes: Sequence[Outcome]) -> RateStep:
    paging = [o for o in outcomes if o.sent.kind is Kind.PAGING]
    return RateStep(
        offered_per_second=rate,
        achieved_per_second=achieved_rate([s.sent_at for s in sent]),
        reply=summarise(o.reply_seconds for o in outcomes),
        webhook=summarise(o.sent.webhook_seconds for o in outcomes),
        escalation=summarise(o.page_seconds for o in paging),
        delivery=check_delivery(outcomes),
    )


def _log_errors(log_text: str) -> int:
    return sum(1 for line in log_text.splitlines() if "Traceback" in line or " ERROR " in line)


def measure_system(
    name: str,
    args: argparse.Namespace,
    run_dir: Path,
    database_url: str | None,
    questions: list[str],
    exchange: int,
    progress: Progress,
    model: Path | None = None,
    ramp_until: float = float("inf"),
) -> dict[str, object]:
    """Start one system, drive it through every phase, stop it; `ramp_until` is the run's
    elapsed time after which no new ramp step starts."""
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    paging_needed = int(
        40
        + (args.conversations + WARMUP_PATIENTS) * 3 * args.conversation_seconds / 10
        + sum(rates) * args.step_seconds / 10
    )
    population: Population = make_population(exchange, args.patients, min(paging_needed, 4990))
    book = SmsBook()
    twilio = StampingTwilio(book.record)
    twilio.start()
    work = run_dir / name
    work.mkdir(parents=True, exist_ok=True)
    env = base_env(work, twilio, database_url)
    progress(f"{name}: enrolling {len(population.regular) + len(population.paging)} patients")
    care_team = enrol(env, population) | population.care_team
    progress(f"{name}: starting the stack")
    starter: Callable[[], System] = (
        (lambda: start_nadir(work, twilio, env))
        if name == "nadir"
        else (lambda: start_baseline(work, twilio, env, model))  # type: ignore[arg-type]
    )
    try:
        system = starter()
    except BaseException:
        twilio.stop()
        raise
    progress(f"{name}: ready in {system.start_seconds:.1f} s")
    plan = TrafficPlan(questions, population.regular, population.paging)
    sent: list[Sent] = []
    steps: list[RateStep] = []
    stopped_because = "every rate was sustained"
    sampler = MemorySampler(system.processes)
    sampler.start()
    try:
        cpu_before = cpu_snapshot(system.processes)
        webhook = system.webhook
        warmup = list(population.regular[:WARMUP_PATIENTS])
        sent += run_conversations(
            webhook, plan, book, "warmup", warmup, len(warmup), args.warmup_seconds, args.settle
        )
        drain(book, sent, args.settle)
        loner = population.regular[WARMUP_PATIENTS]
        progress(f"{name}: one patient alone, {args.history_turns} messages in a row")
        history = run_history(
            webhook, plan, book, "history", loner, args.history_turns, args.settle
        )
        drain(book, history, args.settle)
        sent += history
        crowd = list(population.regular[WARMUP_PATIENTS + 1 :])
        progress(
            f"{name}: {args.conversations} concurrent conversations for "
            f"{args.conversation_seconds:.0f} s"
        )
        closed = run_conversations(
            webhook,
            plan,
            book,
            "conversations",
            crowd,
            args.conversations,
            args.conversation_seconds,
            args.settle,
        )
        drain(book, closed, args.settle)
        sent += closed
        for rate in rates:
            if plan.paging_left < rate * args.step_seconds / 10 + 5:
                stopped_because = "ran out of fresh patients for paging reports"
                break
            if progress.elapsed + args.step_seconds + DRAIN_ALLOWANCE_SECONDS > ramp_until:
                stopped_because = (
                    f"time budget ({args.budget_minutes:g} min) reached before {rate:g} msg/s"
                )
                break
            phase = f"rate-{rate:g}"
            run = run_arrivals(
                webhook, plan, book, phase, crowd, rate, args.step_seconds, args.settle
            )
            drain(book, run.sent, args.settle)
            sent += run.sent
            outcomes = attribute(sent, book.all(), care_team).outcomes
            step = _rate_step(rate, run.sent, _phase_outcomes(outcomes, phase))
            steps.append(step)
            progress(
                f"{name}: {rate:g} msg/s offered, {step.achieved_per_second or 0:.1f} sent/s, "
                f"reply p95 {1000 * (step.reply.p95 or 0):.0f} ms, "
                f"{step.delivery.unanswered} unanswered, "
                f"{step.delivery.paged_once}/{step.delivery.paging_reports} paged once"
                + (f", {run.skipped} arrivals found no idle patient" if run.skipped else "")
            )
            if not step_sustained(step):
                stopped_because = f"{rate:g} msg/s was not sustained"
                break
        memory = {
            role: peak_memory_mb(pids) for role, pids in role_processes(system.processes).items()
        }
        cpu = cpu_between(cpu_before, cpu_snapshot(system.processes))
        sampler.stop()
    finally:
        exit_code = system.stop()
        twilio.stop()

    attribution = attribute(sent, book.all(), care_team)
    measured = [o for o in attribution.outcomes if o.sent.phase != "warmup"]
    conversations = _phase_outcomes(attribution.outcomes, "conversations")
    closed_span = [o.sent.sent_at for o in conversations]
    return {
        "stack_start_seconds": system.start_seconds,
        "conversations": {
            "count": args.conversations,
            "turns_per_conversation": CONVERSATION_TURNS,
            "seconds": args.conversation_seconds,
            "messages": len(conversations),
            "messages_per_second": achieved_rate(closed_span),
            **_latencies(conversations),
            "delivery": check_delivery(conversations).to_json(),
        },
        "history": _history(_phase_outcomes(attribution.outcomes, "history")),
        "ramp": {
            "step_seconds": args.step_seconds,
            "steps": [step.to_json() for step in steps],
            "highest_sustained_per_second": highest_sustained_rate(steps),
            "stopped_because": stopped_because,
        },
        "all_traffic": {
            **_latencies(measured),
            "delivery": check_delivery(measured, attribution.stray_pages).to_json(),
            "stray_replies": attribution.stray_replies,
        },
        "memory_mb": memory,  # the largest VmHWM among each role's processes
        "memory_pss_mb": sampler.peaks,  # each role's processes together, sampled each second
        "process_counts": sampler.process_counts,
        "cpu": cpu,
        "cpu_ms_per_message": {
            role: None if cores is None else 1000 * cores * cpu["seconds"] / max(len(sent), 1)
            for role, cores in cpu["cores"].items()
        },
        "log_errors": _log_errors(system.log()),
        "exit_code": exit_code,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    progress = Progress()
    env = dict(os.environ)
    configured = env.get("DATABASE_URL", "").strip()
    # PostgreSQL when DATABASE_URL says so; otherwise a fresh SQLite file per system, so the
    # benchmark never writes simulated patients into var/nadir.db.
    database_url = configured if configured.startswith("postgres") else None
    run_dir = SCRATCH / datetime.now().strftime("run-%Y%m%d-%H%M%S")
    run_dir.mkdir(parents=True, exist_ok=True)
    for old_run in sorted(SCRATCH.glob("run-*"))[:-KEEP_RUNS]:
        shutil.rmtree(old_run, ignore_errors=True)  # logs and databases of earlier runs
    machine = describe(database_url)
    progress(
        f"make bench on {machine['cpus']} CPUs ({machine['cpu_model']}), "
        f"{machine['memory_gib']} GiB, {machine['database']}; scratch in {run_dir}"
    )
    questions = load_questions(ROOT / "tests" / "nlu" / "heldout.yml")
    exchanges = random.SystemRandom().sample(range(200, 1000), 2)

    # Training first (the baseline's, when it is not cached, takes minutes), then the traffic,
    # so that the ramps can be cut short to keep the whole run inside the time budget.
    budget = args.budget_minutes * 60
    systems: dict[str, dict[str, object]] = {}
    if not args.skip_nadir:
        progress("nadir: cold training (config.yml, empty cache)")
        nadir_config = (ROOT / "config.yml").read_text()
        nadir_cold = cold_train(nadir_config, run_dir / "train-nadir", "nadir", env)
        progress(f"nadir: trained cold in {nadir_cold:.1f} s; timing the model load")
        systems["nadir"] = {
            "training": {"cold_seconds": nadir_cold, "from_cache": False},
            "model_load": measure_model_load(ROOT / "models" / "nadir.tar.gz", env),
        }
    if not args.skip_baseline:
        progress("baseline: `rasa init` default pipeline (DIET, TED): trained once, then cached")
        model: BaselineModel = baseline_model(SCRATCH, env, retrain=args.retrain_baseline)
        progress(
            f"baseline: cold training took {model.cold_train_seconds:.0f} s"
            + (f" (measured {model.trained_at}, cached)" if model.from_cache else "")
            + "; timing the model load"
        )
        systems["baseline"] = {
            "training": {
                "cold_seconds": model.cold_train_seconds,
                "from_cache": model.from_cache,
                "trained_at": model.trained_at,
                "components": model.components,
            },
            "model_load": measure_model_load(model.path, env),
        }
    if not args.skip_nadir:
        reserve = 0 if args.skip_baseline else BASELINE_TRAFFIC_RESERVE_SECONDS
        systems["nadir"].update(
            measure_system(
                "nadir",
                args,
                run_dir,
                database_url,
                questions,
                exchanges[0],
                progress,
                ramp_until=budget - reserve,
            )
        )
    if not args.skip_baseline:
        systems["baseline"].update(
            measure_system(
                "baseline",
                args,
                run_dir,
                database_url,
                questions,
                exchanges[1],
                progress,
                model=model.path,
                ramp_until=budget - 15,
            )
        )

    results: dict[str, object] = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": args.command,
        "wall_seconds": round(progress.elapsed, 1),
        "machine": machine,
        "settings": {
            "conversations": args.conversations,
            "conversation_seconds": args.conversation_seconds,
            "rates": args.rates,
            "step_seconds": args.step_seconds,
            "regular_patients": args.patients,
            "settle_seconds": args.settle,
            "questions": len(questions),
            "history_turns": args.history_turns,
            "turns_per_conversation": CONVERSATION_TURNS,
        },
        "systems": systems,
    }
    results["targets"] = report.evaluate_targets(results)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    args.markdown.write_text(report.render_markdown(results))
    print()
    print(report.render_console(results))
    progress(f"wrote {args.json} and {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
