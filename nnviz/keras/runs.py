"""The run store: one folder per Keras run under NNVIZ_RUNS_DIR (default ./runs), written atomically.

A run folder holds ``config.json``, ``history.csv`` (one row per epoch, with
the wall time), ``logs/`` (TensorBoard event files written by
``keras.callbacks.TensorBoard``, so ``tensorboard --logdir runs`` shows them),
``model.keras`` and ``preprocessing.joblib`` (our own fitted scikit-learn
pipeline). Training writes into a hidden staging folder (``.staging-*``),
which is renamed into place only when complete: a half-written run is never
listed. A staging folder left by a killed server (``kill -9``) is removed when
the next process first opens the folder (TensorBoard would list it as a run);
the store keeps the newest ``budget.KEEP_RUNS`` runs. No TensorFlow here: the
loss-curve page reads runs without it.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import socket
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from nnviz.keras import budget

NAME_MAX = 60
# A staging folder is written to at every epoch while its training runs, and a training ends within the
# run's time budget: one untouched for twice that is a leftover, whichever process or host made it.
STALE_SECONDS = 2 * budget.MAX_RUN_SECONDS + 60
_LEFTOVER_PREFIXES = (".staging-", ".deleting-")
_cleaned: set[Path] = set()
_cleaned_lock = threading.Lock()
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def runs_dir() -> Path:
    """Where runs live: ``$NNVIZ_RUNS_DIR`` when set, else ``./runs``."""
    return Path(os.environ.get("NNVIZ_RUNS_DIR") or "runs")


def sanitize(name: str) -> str:
    """A safe folder name from what a student typed: letters, digits, ``-``, ``_``, ``.``; no leading dot.

    The one check of a run name: the page calls it before training, the store when saving.
    """
    cleaned = _UNSAFE.sub("-", str(name).strip()).strip("-.")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)[:NAME_MAX].strip("-.")
    if not cleaned or not re.search(r"[A-Za-z0-9]", cleaned):
        raise ValueError(f"\"{name}\" cannot be a run name: a run name needs at least one Latin letter or digit "
                         "(A–Z, a–z, 0–9); spaces and other signs become '-'.")
    return cleaned


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Run:
    """A stored run: its folder name and its config."""

    name: str
    path: Path
    config: dict

    @property
    def created(self) -> float:
        return float(self.config.get("created", 0))


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def history_csv(history: dict[str, list[float]], wall_time: list[float]) -> str:
    """History as CSV text: epoch (from 1), wall_time (s since training started), then each metric."""
    metrics = list(history)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["epoch", "wall_time", *metrics])
    n = len(wall_time)
    for i in range(n):
        writer.writerow([i + 1, repr(float(wall_time[i])), *(repr(float(history[m][i])) for m in metrics)])
    return buf.getvalue()


class RunStore:
    """The runs folder: create atomically, list, read, rename / delete (by the creating session), zip."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else runs_dir()
        key = self.root.resolve()
        with _cleaned_lock:
            first = key not in _cleaned
            _cleaned.add(key)
        if first:  # once per process and folder: the server's start-up
            self.clean_leftovers()

    def staging(self) -> Path:
        """A fresh hidden folder to train into; :meth:`commit` moves it into place."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f".staging-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex}"
        path.mkdir()
        return path

    def clean_leftovers(self) -> list[str]:
        """Remove staging and half-deleted folders no live process is writing; return their names.

        A folder is a leftover when the process that made it (this host, its pid in
        the name) is gone, or when nothing in it changed for ``STALE_SECONDS``.
        """
        if not self.root.is_dir():
            return []
        removed = []
        host, now = socket.gethostname(), time.time()
        for path in self.root.iterdir():
            if not path.name.startswith(_LEFTOVER_PREFIXES):
                continue
            parts = path.name.split("-")
            dead = False
            if path.name.startswith(".staging-") and len(parts) >= 4 and parts[-2].isdigit():
                dead = "-".join(parts[1:-2]) == host and not _alive(int(parts[-2]))
            try:
                newest = max((f.stat().st_mtime for f in path.rglob("*")), default=path.stat().st_mtime)
            except OSError:
                continue
            if dead or path.name.startswith(".deleting-") or now - newest > STALE_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        for tmp in self.root.glob(".*.tmp"):
            try:
                if now - tmp.stat().st_mtime > STALE_SECONDS:
                    tmp.unlink()
            except OSError:
                pass
        return removed

    def prune(self, keep: int = budget.KEEP_RUNS) -> list[str]:
        """Delete the oldest runs beyond the newest ``keep``; return their names."""
        runs = self.list()
        old = runs[:max(len(runs) - keep, 0)]
        for run in old:
            trash = self.root / f".deleting-{uuid.uuid4().hex}"
            try:
                os.rename(run.path, trash)
            except OSError:
                continue
            shutil.rmtree(trash, ignore_errors=True)
        return [run.name for run in old]

    def discard(self, staging: Path) -> None:
        if staging.name.startswith(".staging-") and staging.parent == self.root:
            shutil.rmtree(staging, ignore_errors=True)

    def _free_name(self, name: str) -> str:
        base, candidate, i = sanitize(name), sanitize(name), 1
        while (self.root / candidate).exists():
            i += 1
            candidate = f"{base}-{i}"
        return candidate

    def commit(self, staging: Path, name: str, config: dict, history: dict[str, list[float]],
               wall_time: list[float], session: str = "") -> str:
        """Write config and history into ``staging`` and rename it to a free run name; return that name."""
        final = self._free_name(name)
        config = {**config, "name": final, "session": session, "created": config.get("created", time.time())}
        _write_atomic(staging / "history.csv", history_csv(history, wall_time).encode())
        _write_atomic(staging / "config.json", json.dumps(config, indent=2, default=str).encode())
        os.rename(staging, self.root / final)
        self.prune()
        return final

    def list(self) -> list[Run]:
        """Every complete run, oldest first (staging folders and broken folders are skipped)."""
        if not self.root.is_dir():
            return []
        runs = []
        for path in self.root.iterdir():
            if path.name.startswith(".") or not path.is_dir():
                continue
            try:
                config = json.loads((path / "config.json").read_text())
            except (OSError, ValueError):
                continue
            if (path / "history.csv").is_file():
                runs.append(Run(path.name, path, config))
        return sorted(runs, key=lambda r: (r.created, r.name))

    def path(self, name: str) -> Path:
        """The folder of an existing run; any name that is not exactly a run folder is refused."""
        if not isinstance(name, str) or name != sanitize(name) or name.startswith("."):
            raise ValueError(f"{name!r} is not a valid run name")
        path = self.root / name
        if path.resolve().parent != self.root.resolve() or not (path / "config.json").is_file():
            raise ValueError(f"there is no run named {name!r}")
        return path

    def get(self, name: str) -> Run:
        path = self.path(name)
        return Run(name, path, json.loads((path / "config.json").read_text()))

    def history(self, name: str) -> tuple[dict[str, list[float]], list[float]]:
        """A run's metrics per epoch and the wall time of each epoch, from history.csv."""
        with open(self.path(name) / "history.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        metrics = [c for c in (rows[0].keys() if rows else []) if c not in ("epoch", "wall_time")]
        history = {m: [float(r[m]) if r[m] not in ("", None) else math.nan for r in rows] for m in metrics}
        return history, [float(r["wall_time"]) for r in rows]

    def overlay(self, names: list[str]) -> list[dict]:
        """The named runs still stored, each as a curve to overlay: name, history, wall time, early stop epoch."""
        stored = {run.name: run for run in self.list()}
        curves = []
        for name in (n for n in names if n in stored):
            history, wall_time = self.history(name)
            curves.append({"name": name, "history": history, "wall_time": wall_time,
                           "early_stopping_epoch": stored[name].config.get("early_stopping_epoch")})
        return curves

    def _owned(self, name: str, session: str) -> Path:
        run = self.get(name)
        if not session or run.config.get("session") != session:
            raise ValueError(f"run {name!r} was made in another session; only that session may rename or delete it")
        return run.path

    def rename(self, name: str, new_name: str, session: str) -> str:
        path = self._owned(name, session)
        final = self._free_name(new_name)
        config = json.loads((path / "config.json").read_text())
        config["name"] = final
        _write_atomic(path / "config.json", json.dumps(config, indent=2, default=str).encode())
        os.rename(path, self.root / final)
        return final

    def delete(self, name: str, session: str) -> None:
        path = self._owned(name, session)
        trash = self.root / f".deleting-{uuid.uuid4().hex}"
        os.rename(path, trash)  # gone from the list at once, even if removing the files takes a while
        shutil.rmtree(trash, ignore_errors=True)

    def zip_bytes(self, name: str) -> bytes:
        """The whole run folder as a zip (config, history, TensorBoard logs, model, preprocessing)."""
        path = self.path(name)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(path.rglob("*")):
                if file.is_file():
                    archive.write(file, f"{name}/{file.relative_to(path).as_posix()}")
        return buf.getvalue()
