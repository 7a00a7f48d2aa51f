"""The national view at scale: N synthetic programmes of M lists federated in one run.

``SEEDS`` synthetic programmes (``benchmarks.synth``, each its own seed) are exported by
``jiebang export`` — the programmes' own CI does this; it is not timed, and generating
and exporting 100 of them would take longer here than the federation itself — and each
published export is used by N / ``SEEDS`` programmes, every one given what a newer export
carries: its own id, portal address, a GB/T 2260 division in one of the provinces and a
level. (So each list's text appears in several programmes: the 同质化 groups are larger
than real ones would be; harvest, figures and pages do the same work as for distinct data.) ``jiebang federate`` then runs twice on them,
timed with its peak memory (the process and its workers): with an empty cache, and after
one programme's records.json changed (one list retitled), to show the incremental harvest.
"""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks import data, synth
from benchmarks.figures import JIEBANG, Context, GiB, Row, secs
from benchmarks.measure import Run, run

# (division, level): provinces, cities and counties across the country
PLACES = (
    ("110000", "provincial"), ("310000", "provincial"), ("500106", "county"), ("460000", "provincial"), ("510100", "municipal"),
    ("440305", "county"), ("330100", "municipal"), ("420111", "county"), ("610000", "provincial"), ("320505", "county"),
    ("370100", "municipal"), ("430104", "county"), ("340000", "provincial"), ("350200", "municipal"), ("120116", "county"),
    ("210000", "provincial"), ("450100", "municipal"), ("520000", "provincial"), ("620100", "municipal"), ("650000", "provincial"),
)  # fmt: skip


SEEDS = 10


def _export(args: tuple[Path, int, int]) -> None:
    """One synthetic programme's records.json (made in a worker process)."""
    from generator.portal.build import open_data

    sources, seed, lists = args
    work = sources / f"seed-{seed}"
    shutil.rmtree(work, ignore_errors=True)
    synth.write_programme(work, lists, seed=seed)
    open_data(work, sources / f"seed-{seed}.out", ("json",), check=False)  # the set is clean (tests/test_benchmarks.py)
    shutil.rmtree(work)


def _publish(sources: Path, number: int) -> None:
    """Programme ``number``'s open data: a seed's export under its own id and place."""
    doc = json.loads((sources / f"seed-{number % SEEDS + 1}.out" / "records.json").read_text(encoding="utf-8"))
    division, level = PLACES[number % len(PLACES)]
    pid = f"p{number:03d}"
    portal = {**doc["program"]["portal"], "base_url": f"https://example.org/{pid}/"}
    doc["program"].update(id=pid, division=division, level=level, portal=portal)
    (sources / f"{pid}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def federation(work: Path, programmes: int, lists: int) -> tuple[Path, Path]:
    """The federation's folder (federation.yaml, sources/), made once and reused."""
    root = work / f"federation-{programmes}x{lists}"
    stamp = data._stamp("federation", programmes, lists, (Path(__file__)).read_bytes())
    if (root / "stamp").is_file() and (root / "stamp").read_text() == stamp:
        return root, root / "federation.yaml"
    shutil.rmtree(root, ignore_errors=True)
    (root / "sources").mkdir(parents=True)
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_export, [(root / "sources", seed, lists) for seed in range(1, min(SEEDS, programmes) + 1)]))
    for number in range(programmes):
        _publish(root / "sources", number)
    entries = "\n".join(f"  - {{id: p{n:03d}, source: sources/p{n:03d}.json}}" for n in range(programmes))
    text = f"kind: federation\nid: bench\ntitle: 全国科技攻关“揭榜挂帅”榜单汇总（合成数据）\nprogrammes:\n{entries}\n"
    (root / "federation.yaml").write_text(text, encoding="utf-8")
    (root / "stamp").write_text(stamp)
    return root, root / "federation.yaml"


def _change_one(root: Path) -> None:
    path = root / "sources" / "p000.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["lists"][0]["title"] += "（更正）"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def federation_figures(ctx: Context) -> list[Row]:
    programmes, lists = ctx.federation
    root, config = federation(ctx.work, programmes, lists)
    shutil.rmtree(root / "cache", ignore_errors=True)
    command = [*JIEBANG, "federate", str(config), "--out", str(root / "national"), "--cache", str(root / "cache")]
    cold: Run = run(command)
    _change_one(root)
    warm: Run = run(command)
    size = f"{programmes} programmes × {lists:,} lists"
    changed = [line for line in warm.output.splitlines() if "已更新" in line]
    peak = max(cold.peak_bytes, warm.peak_bytes)
    print(cold.output.splitlines()[-1], file=sys.stderr)
    return [
        Row("federate: harvest + national portal, empty cache", size, secs(cold.seconds), target="minutes on 2 cores", met=cold.seconds < 1800,
            note=f"peak {cold.peak_bytes / 2**20:,.0f} MiB; per-programme exports not timed"),
        Row("federate: one programme changed (incremental)", size, secs(warm.seconds), secs(cold.seconds), warm.seconds / cold.seconds,
            note=f"{len(changed)} programme(s) processed again, peak {warm.peak_bytes / 2**20:,.0f} MiB"),
        Row("peak memory, federate (process and workers)", size, f"{peak / 2**20:,.0f} MiB", target="< 2 GiB", met=peak < 2 * GiB),
    ]  # fmt: skip
