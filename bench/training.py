"""Cold training and model load times, and the baseline model (cached between runs).

Cold training is `rasa train` into a fresh directory with Rasa's training cache pointed at an
empty folder, timed from the command's start to its exit (Python and TensorFlow imports
included, as a user sees it). Model load time is `Agent.load` in a fresh process, with the
import of Rasa timed apart.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What `rasa init` writes: no pipeline and no policies, so Rasa fills in its defaults (and
# writes them back into this file as comments, which we read to report what was trained).
BASELINE_CONFIG = (
    "recipe: default.v1\nassistant_id: stock_rasa_baseline\nlanguage: en\npipeline:\npolicies:\n"
)
_COMMENTED_COMPONENT = re.compile(r"^#\s+- name: (\w+)", re.MULTILINE)


def _quiet_env(env: dict[str, str], cache_dir: Path) -> dict[str, str]:
    return {
        **env,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": "ignore",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "RASA_CACHE_DIRECTORY": str(cache_dir),
    }


def cold_train(config_text: str, work_dir: Path, name: str, env: dict[str, str]) -> float:
    """Train the project's domain and data with `config_text` from scratch; wall seconds.

    The model is left at `work_dir/models/<name>.tar.gz`, the config (as Rasa rewrote it) at
    `work_dir/config.yml` and the output at `work_dir/train.log`.
    """
    work_dir = work_dir.resolve()  # rasa runs inside it, so every path we pass must be absolute
    if work_dir.exists():
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True)
    config = work_dir / "config.yml"
    config.write_text(config_text)
    argv = [
        sys.executable, "-m", "rasa", "train",
        "--domain", str(ROOT / "domain"),
        "--data", str(ROOT / "data"),
        "--config", str(config),
        "--out", str(work_dir / "models"),
        "--fixed-model-name", name,
    ]  # fmt: skip
    started = time.perf_counter()
    with open(work_dir / "train.log", "wb") as log:
        done = subprocess.run(
            argv,
            env=_quiet_env(env, work_dir / "cache"),
            cwd=work_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not (work_dir / "models" / f"{name}.tar.gz").exists():
        tail = (work_dir / "train.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"rasa train failed ({done.returncode}):\n{tail}")
    return seconds


def measure_model_load(model: Path, env: dict[str, str]) -> dict[str, float]:
    """{"import_seconds", "load_seconds"} for `Agent.load(model)` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.model_load", str(model)],
        env=_quiet_env(env, model.parent / "load-cache"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"loading {model} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def trained_components(config_text: str) -> list[str]:
    """The components Rasa filled in for an empty pipeline and policies (from its comments)."""
    return _COMMENTED_COMPONENT.findall(config_text)


def training_inputs_key() -> str:
    """Changes whenever the baseline would train differently: data, domain, config, Rasa."""
    digest = hashlib.sha256()
    digest.update(BASELINE_CONFIG.encode())
    digest.update(version("rasa").encode())
    for folder in ("domain", "data"):
        for path in sorted((ROOT / folder).rglob("*.yml")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class BaselineModel:
    path: Path
    cold_train_seconds: float
    trained_at: str  # when the cold training was measured
    from_cache: bool
    components: list[str]

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "path": str(self.path)}


def baseline_model(cache_dir: Path, env: dict[str, str], retrain: bool = False) -> BaselineModel:
    """The stock-Rasa model for the current data, trained cold once and then kept in `cache_dir`."""
    key = training_inputs_key()
    model = cache_dir / f"baseline-{key}.tar.gz"
    meta = cache_dir / f"baseline-{key}.json"
    if model.exists() and meta.exists() and not retrain:
        saved = json.loads(meta.read_text())
        return BaselineModel(
            path=model,
            cold_train_seconds=saved["cold_train_seconds"],
            trained_at=saved["trained_at"],
            from_cache=True,
            components=saved["components"],
        )
    work_dir = cache_dir / f"train-baseline-{key}"
    seconds = cold_train(BASELINE_CONFIG, work_dir, "baseline", env)
    cache_dir.mkdir(parents=True, exist_ok=True)
    shutil.move(str(work_dir / "models" / "baseline.tar.gz"), model)
    components = trained_components((work_dir / "config.yml").read_text())
    trained_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    meta.write_text(
        json.dumps(
            {"cold_train_seconds": seconds, "trained_at": trained_at, "components": components},
            indent=2,
        )
    )
    shutil.rmtree(work_dir, ignore_errors=True)
    return BaselineModel(model, seconds, trained_at, False, components)
