"""The rows of the index tables (榜单, 公示, 项目) as plain data: each column once, for the
page's HTML table (``_rows.md.j2``) and for the filters' data (``generator.portal.filters``),
which the filter script turns into the same cells.

A table is raw HTML, not a Markdown table: each cell names its column (``data-label``), so
that on a phone the stylesheet shows every row as a card with the column's name beside each
value, and Markdown tables of hundreds of rows are slow to convert.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.models import ChallengeList, Project, Review
from generator.portal import labels, views
from generator.portal.text import cn_date, yuan
from generator.public.view import PublicView


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"  # text | link (to the row's page) | nowrap (an id, a date, an amount: never broken)


@dataclass(frozen=True)
class Row:
    page: str  # the record's page, docs-relative (lists/L-2024-001.md)
    anchor: str | None  # its place on that page (a notice of a batch 公示)
    cells: dict[str, str]  # column key → text
    codes: dict[str, str]  # filter name → code (``data-…`` of the row)


# The title first, then what a reader looks for next: on a phone the cells follow one another
# in this order, each with its column's name.
LIST_COLUMNS = (
    Column("title", "榜单名称", "link"),
    Column("status", "状态"),
    Column("subsidy", "财政资助", "nowrap"),
    Column("id", "编号", "nowrap"),
    Column("industry", "所属产业"),
    Column("grade", "等级"),
    Column("deadline", "申报截止", "nowrap"),
    Column("bids", "揭榜申报"),
)
NOTICE_COLUMNS = (
    Column("title", "公示", "link"),
    Column("state", "状态"),
    Column("winners", "入选单位"),
    Column("start", "公示开始", "nowrap"),
    Column("end", "公示结束", "nowrap"),
    Column("outcome", "结果"),
)
PROJECT_COLUMNS = (
    Column("title", "项目", "link"),
    Column("status", "状态"),
    Column("subsidy", "财政资助", "nowrap"),
    Column("paid", "已拨付", "nowrap"),
    Column("id", "编号", "nowrap"),
    Column("lead", "承担单位"),
)


def list_row(view: PublicView, lst: ChallengeList) -> Row:
    state = views.list_state(view, lst)
    return Row(
        f"lists/{lst.id}.md",
        None,
        {
            "id": lst.id,
            "title": lst.title,
            "status": labels.LIST_STATE[state],
            "subsidy": yuan(lst.funding.subsidy_cny),
            "industry": lst.industry,
            "grade": views.grade_label(view, lst.grade),
            "deadline": cn_date(views.list_deadline(view, lst)),
            "bids": str(view.bids_count(lst)),
        },
        {"industry": lst.industry, "grade": lst.grade, "status": state, "track": lst.track, "issuer": views.issuer_name(view, lst)},
    )


def notice_row(view: PublicView, notice: Review) -> Row:
    pub = notice.publicity
    assert pub is not None, f"{notice.id} is a notice without publicity"
    target = view.notice_page(notice)
    return Row(
        target.page,
        target.anchor,
        {
            "title": view.list_of(notice).title,
            "winners": "、".join(b.lead.name for b in view.winners(notice)),
            "start": cn_date(pub.start),
            "end": cn_date(pub.end),
            "state": views.notice_state(view, notice),
            "outcome": views.outcome_label(pub),
        },
        {},
    )


def project_row(view: PublicView, project: Project) -> Row:
    return Row(
        f"projects/{project.id}.md",
        None,
        {
            "id": project.id,
            "title": view.list_of(project).title,
            "status": labels.PROJECT_STATUS[project.status],
            "subsidy": yuan(project.subsidy_cny),
            "paid": yuan(views.paid_of(view, project)),
            "lead": view.bid_of(project).lead.name,
        },
        {},
    )


def record_year(record_id: str) -> int:
    """The year in a record's id (``L-2024-003`` → 2024): the year a list or project belongs to."""
    return int(record_id.split("-")[1])
