"""Run every benchmark module ``bench/bench_*.py`` (or the named ones) and print their tables.

Each module has ``main() -> None`` that prints its own table; they run one
after another, each in a fresh Python process (as a fresh server would be:
what one benchmark leaves on the heap must not slow the next one's garbage
collections), so that ratios inside a module are measured side by side.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> None:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if names:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in names}
        unknown = wanted - set(modules)
        if unknown:
            sys.exit(f"unknown benchmark(s) {sorted(unknown)}; choose from {modules}")
        modules = [m for m in modules if m in wanted]
    print(f"nnviz benchmarks, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
          f"{__import__('os').cpu_count()} cores, Python {platform.python_version()}")
    for name in modules:
        print(f"\n== {name} ==", flush=True)
        subprocess.run([sys.executable, "-c", f"import bench.{name} as b; b.main()"], cwd=HERE.parent, check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
