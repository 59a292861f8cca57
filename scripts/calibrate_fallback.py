"""Calibrate when Nadir asks instead of answering, by cross-validation on the development questions.

Usage: python scripts/calibrate_fallback.py [--folds 5] [--max-wrong 0.03]

The development real questions (tests/nlu/real/dev.yml) are training data, so their own figures
say nothing about new questions. Here they are cut into folds; for each fold a model is trained
on everything else (the rest of data/, and the other folds written as real_questions.yml) and the
fold's questions are classified. The classifier's own confidences (before the fallback) then give,
for each threshold, how many questions would be answered on the wrong topic and how many would
get the clarifying question instead. The held-out part is never read. Takes about a minute per
fold; writes var/eval/fallback_calibration.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from eval_nlu import _load_agent  # noqa: E402  (the same in-process loading as make eval)
from real_questions_to_nlu import OUT_FILE, intent_of, render_nlu  # noqa: E402

DEV_FILE = ROOT / "tests" / "nlu" / "real" / "dev.yml"
RESULTS_FILE = ROOT / "var" / "eval" / "fallback_calibration.json"
NOT_EDUCATION = {"report", "choose_number", "nlu_fallback"}


@dataclass(frozen=True)
class Scored:
    id: str
    wanted: tuple[str, ...]  # the label's intent and its `also` intents
    top: str
    top_confidence: float
    gap: float  # between the top two classifier intents


@dataclass(frozen=True)
class Point:
    threshold: float
    answered_right: int
    answered_wrong: int
    asked: int


def fold_of(question_id: str, folds: int) -> int:
    return zlib.crc32(question_id.encode()) % folds


def curve(scored: list[Scored], thresholds: list[float], gap: float) -> list[Point]:
    points = []
    for threshold in thresholds:
        right = wrong = asked = 0
        for item in scored:
            if item.top_confidence < threshold or item.gap < gap:
                asked += 1
            elif item.top in item.wanted:
                right += 1
            else:
                wrong += 1
        points.append(Point(threshold, right, wrong, asked))
    return points


def _train(data_dir: Path, out_dir: Path) -> Path:
    from rasa.model_training import train_nlu

    model = train_nlu(
        config=str(ROOT / "config.yml"),
        nlu_data=str(data_dir),
        output=str(out_dir),
        domain=str(ROOT / "domain"),
        fixed_model_name="fold",
    )
    return Path(str(model))


async def _score(agent: Any, questions: list[dict[str, Any]]) -> list[Scored]:
    scored = []
    for question in questions:
        parsed = await agent.parse_message(str(question["text"]))
        if (parsed.get("intent") or {}).get("name") in ("report", "choose_number"):
            continue  # the clinical screen took it as a report: not the classifier's choice
        ranking = [r for r in parsed.get("intent_ranking") or [] if r["name"] not in NOT_EDUCATION]
        if not ranking:
            continue
        first = ranking[0]
        second = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
        wanted = tuple(
            intent_of(str(t)) for t in [question["topic"], *(question.get("also") or [])]
        )
        scored.append(
            Scored(
                str(question["id"]),
                wanted,
                first["name"],
                first["confidence"],
                first["confidence"] - second,
            )
        )
    return scored


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-wrong", type=float, default=0.03)
    parser.add_argument("--gap", type=float, default=0.0, help="ambiguity threshold to apply too")
    args = parser.parse_args(argv)
    questions = yaml.safe_load(DEV_FILE.read_text(encoding="utf-8"))["questions"]
    scored: list[Scored] = []
    for fold in range(args.folds):
        held = [q for q in questions if fold_of(str(q["id"]), args.folds) == fold]
        rest = [q for q in questions if fold_of(str(q["id"]), args.folds) != fold]
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp) / "data"
            shutil.copytree(ROOT / "data", data_dir)
            (data_dir / OUT_FILE.relative_to(ROOT / "data")).write_text(
                render_nlu({"questions": rest}), encoding="utf-8"
            )
            model = _train(data_dir, Path(tmp) / "models")
            agent, _ = _load_agent(model)
            scored += asyncio.run(_score(agent, held))
        print(f"fold {fold + 1}/{args.folds}: {len(held)} questions", flush=True)
    thresholds = [round(0.05 * step, 2) for step in range(1, 20)]
    points = curve(scored, thresholds, args.gap)
    total = len(scored)
    print(f"{total} questions the classifier answered (the rest were taken as reports)")
    print("threshold  right  wrong  asked")
    for point in points:
        print(
            f"  {point.threshold:.2f}    {point.answered_right / total:5.1%}  "
            f"{point.answered_wrong / total:5.1%}  {point.asked / total:5.1%}"
        )
    within = [p for p in points if p.answered_wrong / total <= args.max_wrong]
    if within:
        print(
            f"lowest threshold with at most {args.max_wrong:.0%} wrong: {within[0].threshold:.2f}"
        )
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(
        json.dumps(
            {"scored": [asdict(s) for s in scored], "curve": [asdict(p) for p in points]}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
