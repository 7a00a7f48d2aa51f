"""One national build, read top to bottom: ``federate``.

    read federation.yaml      the programmes and where their open data is
    harvest                   every programme in parallel; unchanged ones from the cache
    figures                   by province, year, industry and mode; funding mix; withheld counts
    同质化                     groups of near-duplicate lists across programmes
    pages                     Markdown from the templates, rendered by MkDocs
    files                     charts, CSV, the filters' chunked data, the unclaimed feed,
                              the national open data (JSON, CSV, Parquet)
    search                    a Pagefind index of every list and programme
    check                     the HTML check of every page (generator.portal.html_check)

The portal is built in a staging folder beside the output and swapped in only when the
whole build succeeded (``generator.portal.build.staging``). A programme that could not
be harvested is named with its reason on the home page and in the result; the others
build. With no programme harvested, nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.errors import CannotRun
from generator.federate import charts, feed, index, outputs, pages, search, stats, views
from generator.federate.cache import HarvestCache, default_dir
from generator.federate.config import Config, load_config
from generator.federate.corpus import National
from generator.federate.divisions import division
from generator.federate.harvest import Harvested, harvest
from generator.federate.site import render_site
from generator.portal import labels
from generator.portal.build import staging
from generator.portal.html_check import check_html
from generator.portal.text import cn_date

LATEST = 20  # lists shown on a programme's page
PROBLEMS_SHOWN = 20  # of the HTML check's findings, in the message
CHARTS = (
    ("lists", "榜单数", lambda f: f.lists, charts.count),
    ("total", "总投入", lambda f: f.total_cny, charts.wan),
    ("claim", "揭榜率", lambda f: f.claim_rate, charts.percent),
    ("acceptance", "验收通过率", lambda f: f.acceptance_rate, charts.percent),
    ("openness", "外省揭榜单位占比", lambda f: f.openness, charts.percent),
)


@dataclass(frozen=True)
class Federated:
    harvested: list[Harvested]
    site: Path | None  # None: no programme could be harvested, nothing written
    lists: int = 0
    groups: int = 0

    @property
    def failed(self) -> list[Harvested]:
        return [h for h in self.harvested if h.state == "failed"]


def federate(config_file: Path, out: Path | None = None, cache: Path | None = None) -> Federated:
    config = load_config(config_file)
    site = (out or config.folder / "national").resolve()
    folder = default_dir(cache)
    if folder is not None and folder.resolve().is_relative_to(site):
        raise CannotRun(f"汇总缓存目录 {folder} 位于输出目录 {site} 之内：请用 --cache 指定输出目录以外的目录。")
    with HarvestCache.opened(folder, config.federation.id) as store:
        national = National(store, harvest(config.sources, store))
        if not national.included:
            return Federated(national.harvested, None)
        context, files = assemble(config, national)
        with staging(site) as building:
            render_site(
                pages.render(context),
                building,
                title=config.federation.title,
                site_url=config.federation.base_url,
                issuer=config.federation.title,
                as_of=cn_date(context["as_of"]),
            )
            for path, content in files:
                target = building / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
            header = {"federation": config.federation.id, "title": config.federation.title, "as_of": context["as_of"]}
            outputs.write_data(building / "data", national, context["similar_table"], header)
            search.index(building, national, context["names"], folder / "search" / config.federation.id if folder else None)
            problems = check_html(building, urlsplit(config.federation.base_url or "/").path)
            if problems:  # harvested values are another bureau's data: nothing active may reach a page
                raise CannotRun("全国汇总门户检查未通过，未发布：\n" + "\n".join(f"  {p}" for p in problems[:PROBLEMS_SHOWN]))
        return Federated(national.harvested, site, context["figures"].lists, context["similar_count"])


def assemble(config: Config, national: National) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """What the pages read, and the files written beside them."""
    federation = config.federation
    rows = views.lists_rows(national)
    statistics = stats.compute(national)
    programmes = national.programmes
    names = {str(p["programme"]): _name(p) for p in programmes}
    as_of = national.as_of
    assert as_of is not None, "called with at least one programme harvested"
    groups, similar_table = views.similar_groups(national, rows, federation.similarity.threshold)
    unclaimed = views.unclaimed(rows)
    latest: dict[str, list[views.Row]] = defaultdict(list)
    for row in rows:
        if len(latest[row["programme"]]) < LATEST:
            latest[row["programme"]].append(row)
    withheld_of: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for w in national.table("withheld").to_pylist():
        if w["count"]:
            withheld_of[w["programme"]].append((w["kind"], stats.WITHHELD_KINDS.get(w["kind"], w["kind"]), w["count"]))
    codes = _labels()
    context = {
        "federation": federation, "as_of": as_of, "figures": statistics.overall, "statistics": statistics,
        "programmes": programmes, "names": names, "division_names": {str(p["programme"]): _place(p) for p in programmes},
        "failed": national.failed, "provinces": views.provinces(rows), "filters": index.FILTERS, "facets": index.facets(rows, codes),
        "by_programme": _by_programme(statistics), "withheld_of": withheld_of, "latest_of": latest,
        "withheld_total": sum(n for _, _, n in statistics.withheld),
        "similar_pages": views.similar_pages(groups), "similar_count": len(groups), "similar_table": similar_table,
        "similar_lists": len(groups) + similar_table.num_rows, "threshold": federation.similarity.threshold,
        "unclaimed_pages": views.paged("unclaimed", unclaimed), "unclaimed_count": len(unclaimed),
        "charts": [(key, title) for key, title, _, _ in CHARTS],
        "funding_total": sum(n for _, _, n in statistics.funding),
    }  # fmt: skip
    files = [*_stat_files(statistics), *index.files(rows, names, codes)]
    files.append(("unclaimed.xml", feed.atom(unclaimed, federation.id, federation.title, federation.base_url, names, as_of)))
    return context, files


def _name(programme: dict[str, Any]) -> str:
    """How pages name a programme: the division it declares, else the region it writes."""
    return _place(programme) if programme["division_from"] == "program" else str(programme["region"])


def _place(programme: dict[str, Any]) -> str:
    found = division(programme["division"]) if programme["division"] else None
    return found.name if found else str(programme["region"])


def _labels() -> dict[str, dict[str, str]]:
    """The Chinese label of each code the filters show."""
    return {
        "level": {**pages.LEVEL, "": "未注明"},
        "status": dict(labels.LIST_STATUS),
        "mode": dict(labels.MODE),
        "track": {**pages.TRACK, "": "未注明"},
    }


def _by_programme(statistics: stats.Statistics) -> dict[str, stats.Figures]:
    return {f.label: f for f in statistics.by.get("programme", [])}


def _stat_files(statistics: stats.Statistics) -> list[tuple[str, bytes]]:
    files = []
    for dim, label in stats.DIMENSIONS.items():
        groups = statistics.by[dim]
        files.append((f"stats/by-{dim}.csv", stats.csv_text(groups)))
        for key, title, value, shown in CHARTS:
            whole = 1.0 if shown is charts.percent else None
            files.append(
                (f"stats/{dim}-{key}.svg", charts.bars(f"{title}（按{label}）", [(f.label, value(f)) for f in groups], shown, whole=whole))
            )
    funding = statistics.funding
    files.append(("stats/funding.svg", charts.bars("各来源投入", [(label, n) for _, label, n in funding], charts.wan)))
    files.append(("stats/funding.csv", stats.pairs_csv(funding, ("来源", "金额（元）"))))
    files.append(("stats/withheld.csv", stats.pairs_csv(statistics.withheld, ("记录类型", "数目"))))
    return files
