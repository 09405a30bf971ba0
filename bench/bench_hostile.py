"""Hostile links beside a class: what the worst links cost the other students and the server's memory.

On one ``streamlit run`` process (``make run``), over Streamlit's WebSocket protocol (bench/load.py):

1. Baseline: 3 students on /perceptron, each moving a slider every 0.5 s for 15 s: their rerun p95.
2. The same 3 students while one more session opens the worst links in turn, as fast as the server answers
   (the link attacks once reported: a 4,000-label one-hot table, thousands of logits and predictions, a
   huge Keras model, a broken smoothing, an over-long list of network numbers): the students' p95 and its ratio
   to the baseline (target: at most 1.5 ×).
3. The server's resident memory after opening each worst link 10 times, against before (target: under 50 MB).

Environment: NNVIZ_HOSTILE_SECONDS (default 15).
"""

from __future__ import annotations

import asyncio
import os
import time

from bench.common import percentile, table
from bench.load import Server, Session, run, sliders

LABELS = ",".join(f"c{i}" for i in range(4000))
NUMBERS = ",".join(str(i % 7) for i in range(4000))
WORST = [
    ("activations", f"labels={LABELS}"),
    ("activations", f"label_sets={LABELS.replace(',', ';')}"),
    ("activations", f"logits={NUMBERS}&classes={LABELS}"),
    ("activations", "z_range=-1,0,0.5,0.6"),
    ("cost_functions", f"predictions={NUMBERS}&logits={NUMBERS}"),
    ("keras_training", "layers=" + ",".join(["1024"] * 8) + "&epochs=300&batch_size=8&early_stopping=0"),
    ("loss_curves", "smoothing=5"),
    ("backpropagation", "values=" + ",".join(["1e300"] * 400)),
    ("perceptron", "x1=1e308&activation=[x](http://example.invalid)"),
]


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


async def _attacker(url: str, seconds: float, errors: list) -> int:
    opened = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for page, query in WORST:
            session = Session(url, page, query=query, seed=opened)
            try:
                await session.open()
                if session.exceptions:
                    errors.append(f"/{page}: {session.exceptions[0]}")
            except Exception as exc:  # counted, the class goes on
                errors.append(f"/{page}: {type(exc).__name__}: {exc}")
            finally:
                await session.close()
            opened += 1
            if time.perf_counter() >= end:
                break
    return opened


async def scenario(url: str, pids, seconds: float) -> dict:
    out: dict = {"errors": []}
    # Every page once, so that imports and caches are paid before measuring.
    for page, _ in WORST:
        session = Session(url, page)
        await session.open()
        await session.close()
    out["baseline"] = await sliders(url, ["perceptron"], sessions=3, interval=0.5, duration=seconds, arrival=0.5)
    before = rss_mb(pids)
    attack = asyncio.create_task(_attacker(url, seconds + 1, out["errors"]))
    out["during"] = await sliders(url, ["perceptron"], sessions=3, interval=0.5, duration=seconds, arrival=0.5, seed=3)
    out["opened"] = await attack
    for _ in range(10):
        for page, query in WORST:
            session = Session(url, page, query=query)
            await session.open()
            await session.close()
    out["rss_before"], out["rss_after"] = before, rss_mb(pids)
    return out


def main() -> None:
    seconds = float(os.environ.get("NNVIZ_HOSTILE_SECONDS", "15"))
    one, _, _ = os.getloadavg()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}: `python -m bench hostile` (one streamlit run process; load average "
          f"{one:.1f} before)")
    with Server() as server:
        out = run(scenario(server.url, server.pids(), seconds))
    before = [x * 1000 for x in out["baseline"].rerun]
    during = [x * 1000 for x in out["during"].rerun]
    p_before, p_during = percentile(before, 95), percentile(during, 95)
    rows = [
        {"measure": "other students' slider p95, alone (ms)", "value": p_before, "target": ""},
        {"measure": "… while the worst links are opened (ms)", "value": p_during, "target": ""},
        {"measure": "ratio", "value": round(p_during / p_before, 2) if p_before else "", "target": "≤ 1.5"},
        {"measure": "worst links opened", "value": out["opened"], "target": ""},
        {"measure": "server memory after 10 × every worst link (MB more)",
         "value": round(out["rss_after"] - out["rss_before"], 1), "target": "< 50"},
        {"measure": "crashes and errors", "value": len(out["errors"]) + len(out["during"].errors), "target": 0},
    ]
    print(table(rows, ["measure", "value", "target"]))
    for error in out["errors"][:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
