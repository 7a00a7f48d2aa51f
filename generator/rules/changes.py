"""Change rules C001–C005: what a change may not do to the records at its base revision.

Each compares the record set at the merge base (``base``) with the working tree
(``head``); ``jiebang validate --base REV`` runs them (``generator.changes``). A finding
sits on the head record where one exists, otherwise on the base file it concerns; its
record id is the record it concerns, which a ``Policy-Override`` names to excuse it
(for a renamed record, the id it had at the base).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from generator.diagnostics import ERROR
from generator.models import KINDS, ChallengeList, Finding, Record, Review
from generator.models.common import walk
from generator.models.corpus import Corpus
from generator.models.listing import LIST_EDGES, PUBLIC_LIST_STATUSES
from generator.public.visibility import public_ids
from generator.records.locate import dotted
from generator.rules.base import change_rule

# The lifecycles of SPEC §3, by corpus attribute: every legal move of a status.
EDGES: dict[str, frozenset[tuple[str, str]]] = {
    "lists": LIST_EDGES,
    "bids": frozenset({("submitted", "withdrawn")}),
    "projects": frozenset({("in-progress", "succeeded"), ("in-progress", "failed"), ("in-progress", "terminated")}),
    "needs": frozenset({("submitted", "refined"), ("submitted", "declined")}),
}
# 第八条（二）: the content of a published list that only a 更正公告 may change.
CORE_FIELDS = ("title", "grade", "indicators", "funding", "period", "eligibility")
FROZEN_AFTER_NOTICE = ("panel", "result", "selected")
FROZEN_WINDOW = ("start", "end")  # a started 公示's window
_SEGMENT = re.compile(r"([^.\[\]\s]+)|\[([^\]]*)\]")
_MISSING = object()


@change_rule("C001", level=ERROR, cites="决策记录")
def public_records_are_kept(base: Corpus, head: Corpus, today: dt.date) -> Iterator[Finding]:
    """在门户上公开过的记录不得删除或改名（改 id）；应改为撤回。

    Why: 公开过的榜单、申报指南、公示、项目与拨付是决策记录；删掉文件就从门户、开放数据和历史中抹去了它。
    Fails: 删除 records/lists/L-2024-001.yaml（已发布榜单）；把其 id 改为 L-2024-009。
    Passes: 把榜单改为 status: withdrawn；把文件移到 records/lists/2024/（id 不变）；删除从未公开的草稿榜单。
    """
    public = public_ids(base, today)
    gone = [r for r in base if r.id in public and r.id not in head.by_id and r.id not in head.broken]
    if not gone:
        return
    by_path = {r.source.path: r for r in head if r.source}
    fresh = {(r.kind, _content(r)): r for r in head if r.id not in base.by_id}  # records new in this change
    for old in gone:
        label = KINDS[old.kind].label
        fix = "请恢复该记录；榜单应改为 status: withdrawn。" if old.kind == "list" else "请恢复该记录。"
        fix += f"确需删除（如法院裁定、个人信息删除）须在拉取请求说明中写明 Policy-Override: C001 {old.id} <理由>。"
        successor = _successor(old, by_path, fresh)
        if successor is not None and successor.source is not None:
            moved = old.model_copy()  # the finding concerns the old id, shown where the record now stands
            moved.attach(successor.source)
            yield moved.finding(("id",), f"已公开的{label}“{old.id}”被改名为“{successor.id}”：公开过的记录不得改名。{fix}")
        else:
            yield old.finding(("id",), f"已公开的{label}“{old.id}”被删除：公开过的记录不得删除。{fix}")


@change_rule("C002", level=ERROR, cites="更正公告")
def published_list_amended_openly(base: Corpus, head: Corpus, today: dt.date) -> Iterator[Finding]:
    """已发布榜单的名称、等级、考核指标、资助强度、实施周期、揭榜条件，只能随新增的更正条目（amendments）修改，且条目须列出每个改动的字段。

    Why: 揭榜单位依据已发布的榜单准备申报；任何更改都必须以更正公告公开，并写明改了哪一项。更正条目的 fields 列出字段路径，一条路径涵盖其下的一切（indicators 涵盖 indicators[0].target），不涵盖其他字段（funding.end_user_cny 不涵盖 funding.subsidy_cny）。已有的更正条目只能追加，不得改写。
    Fails: 已发布榜单的 funding.subsidy_cny 从 100000 改为 80000，amendments 未新增条目，或新增条目的 fields 只列出 funding.end_user_cny。
    Passes: 同样的修改，并在 amendments 末尾追加 {date: 2024-06-01, fields: [funding.subsidy_cny], summary: 资助强度更正}（或 fields: [funding]）；修改草稿榜单。
    """
    for old in base.lists:
        new = head.get(old.id, ChallengeList)
        if new is None or not (old.status in PUBLIC_LIST_STATUSES or (old.status == "withdrawn" and old.call)):
            continue
        kept = len(old.amendments)
        if new.amendments[:kept] != old.amendments:
            where = next((i for i, (a, b) in enumerate(zip(old.amendments, new.amendments, strict=False)) if a != b), len(new.amendments))
            yield new.finding(("amendments", where), "已发布的更正条目（amendments）被修改或删除：更正公告只能在末尾追加，不得改写。")
            continue
        named = [path for a in new.amendments[kept:] for f in a.fields for path in _named_paths(f, old, new)]
        for name in CORE_FIELDS:
            uncovered = [p for p in _changed_leaves(old, new, name) if not any(p[: len(n)] == n for n in named)]
            if uncovered:
                label = ChallengeList.model_fields[name].title
                shown = "、".join(dotted(p) for p in uncovered[:3]) + ("等" if len(uncovered) > 3 else "")
                fields = ", ".join(dict.fromkeys(dotted(p) for p in uncovered)) if len(uncovered) <= 3 else name
                yield new.finding(
                    _at(new, uncovered[0]),
                    f"已发布榜单的{label}已更改（{shown}），但没有新增列出这些字段的更正条目。"
                    f"请在 amendments 末尾追加 {{date: …, fields: [{fields}], summary: …}}，作为更正公告发布。",
                )


@change_rule("C003", level=ERROR, cites="第八条")
def status_follows_lifecycle(base: Corpus, head: Corpus, today: dt.date) -> Iterator[Finding]:
    """榜单、申报、项目、需求的状态只能沿生命周期的边变化。

    Why: 第八条规定的流程（论证、确定、发布、揭榜……）每一步都是一次审批；跳步或倒退绕过了审批。
    榜单：draft → argued → approved → published → closed → awarded | unclaimed，argued → draft，未揭榜前任一状态 → withdrawn；
    申报：submitted → withdrawn；项目：in-progress → succeeded | failed | terminated；需求：submitted → refined | declined。
    撤回榜单时须同时写明撤榜日期与原因（withdrawal），门户据此公告；此前已撤回的榜单不受影响。
    Fails: 榜单从 draft 直接改为 published；从 awarded 改回 draft；榜单改为 withdrawn 而没有 withdrawal。
    Passes: 榜单从 approved 改为 published；申报从 submitted 改为 withdrawn；新建的记录（基准中没有）；
    榜单改为 withdrawn 并填写 withdrawal: {date: 2024-09-01, reason: 需求单位技术路线调整}。
    """
    yield from _withdrawals_say_why(base, head)
    for attr, edges in EDGES.items():
        for new in getattr(head, attr):
            old = base.get(new.id, type(new))
            if old is None or old.status == new.status or (old.status, new.status) in edges:
                continue
            nexts = sorted(b for a, b in edges if a == old.status)
            allowed = f"允许的下一步：{' | '.join(nexts)}" if nexts else f"{old.status} 是终态，不能再改"
            yield new.finding(
                ("status",),
                f"{KINDS[new.kind].label}状态从 {old.status} 改为 {new.status}：生命周期中没有这一步（{allowed}）。每一步应单独提交审批。",
            )


def _withdrawals_say_why(base: Corpus, head: Corpus) -> Iterator[Finding]:
    """A list withdrawn in this change records when and why (SPEC §8 ``withdrawal``)."""
    for new in head.lists:
        old = base.get(new.id, ChallengeList)
        if old is not None and old.status != "withdrawn" and new.status == "withdrawn" and new.withdrawal is None:
            yield new.finding(("status",), f"榜单从 {old.status} 改为 withdrawn，须同时填写撤榜日期与原因（withdrawal），在门户公告。")


@change_rule("C004", level=ERROR, cites="公示")
def notice_is_append_only(base: Corpus, head: Corpus, today: dt.date) -> Iterator[Finding]:
    """公示开始后，评审的专家组、结论、入选名单与公示起止日期不得修改；异议只能追加，公示结果只能由 pending 改定。

    Why: 公示让公众监督评审结果；公示开始后再改结论、名单或公示期，公众看到的就不是被监督的那一份，公示期也不再是公布过的那几天。
    Fails: 公示开始后把 selected 从 [B-2024-001] 改为 [B-2024-002]；把 publicity.end 从 2024-07-12 改为 2024-07-10；删除已登记的异议；把 outcome 从 no-objection 改为 upheld。
    Passes: 追加一条异议；把处理中（pending）的异议或公示结果改为处理结论；公示开始前修改名单或公示日期。
    """
    for old in base.reviews:
        new = head.get(old.id, Review)
        if new is None or old.publicity is None or old.publicity.start > today:
            continue
        started = f"评审 {old.id} 的公示已于 {old.publicity.start.isoformat()} 开始"
        for name in FROZEN_AFTER_NOTICE:
            if getattr(old, name) != getattr(new, name):
                label = Review.model_fields[name].title
                yield new.finding(_first_change(old, new, name), f"{started}，其后不得修改{label}（{name}）。")
        if new.publicity is None:
            yield new.finding(("publicity",), f"{started}，公示信息不得删除。")
            continue
        for name in FROZEN_WINDOW:
            before, after = getattr(old.publicity, name), getattr(new.publicity, name)
            if before != after:
                label = "开始日期" if name == "start" else "结束日期"
                yield new.finding(
                    ("publicity", name),
                    f"{started}，其后不得修改公示{label}（publicity.{name}：{before.isoformat()} → {after.isoformat()}）。",
                )
        yield from _objections_appended(old, new, started)
        before, after = old.publicity.outcome, new.publicity.outcome
        if before != after and before != "pending":
            yield new.finding(("publicity", "outcome"), f"{started}，公示结果已定为 {before}，不得改为 {after}。")


@change_rule("C005", level=ERROR, cites="决策记录")
def public_records_stay_public(base: Corpus, head: Corpus, today: dt.date) -> Iterator[Finding]:
    """公开过的记录不得改为限定发布范围（restricted: true）；确需撤下须以 Policy-Override 写明理由。

    Why: 改为 restricted 会把已公开的记录连同依赖它的申报、评审、项目、拨付从门户、开放数据和历史中一并撤下；撤下公开过的决定是一项须说明理由的决定，不能悄悄发生。
    Fails: 已发布榜单 L-2024-001 改为 restricted: true。
    Passes: 草稿榜单改为 restricted: true；新建的记录即标 restricted: true；已公开的记录保持 restricted: false。
    """
    public = public_ids(base, today)
    for new in head:
        old = base.get(new.id, type(new)) if new.restricted and new.id in public else None
        if old is not None and not old.restricted:
            label = KINDS[new.kind].label
            yield new.finding(
                ("restricted",),
                f"已公开的{label}“{new.id}”被改为限定发布范围（restricted: true）：这会把它及依赖它的记录从门户撤下。"
                f"确需撤下（如涉密认定、法院裁定）须在拉取请求说明中写明 Policy-Override: C005 {new.id} <理由>。",
            )


def _objections_appended(old: Review, new: Review, started: str) -> Iterator[Finding]:
    assert old.publicity is not None and new.publicity is not None
    was, now = old.publicity.objections, new.publicity.objections
    for i, before in enumerate(was):
        if i >= len(now):
            yield new.finding(("publicity", "objections"), f"{started}，已登记的异议（第 {i + 1} 条起）被删除：异议只能追加。")
            return
        after = now[i]
        decided_again = before.outcome != after.outcome and before.outcome != "pending"
        if (before.received, before.summary) != (after.received, after.summary) or decided_again:
            yield new.finding(
                ("publicity", "objections", i),
                f"{started}，已登记的第 {i + 1} 条异议被修改：异议只能追加，只有处理中（pending）的异议可以填写处理结果。",
            )


def _successor(old: Record, by_path: dict[str, Record], fresh: dict[tuple[str, str], Record]) -> Record | None:
    """The head record that took ``old``'s place under a new id: same file, or a new record with the same content."""
    same_file = by_path.get(old.source.path) if old.source else None
    if same_file is not None and same_file.kind == old.kind:
        return same_file
    return fresh.get((old.kind, _content(old)))


def _content(rec: Record) -> str:
    return json.dumps(rec.model_dump(mode="json", exclude={"id"}), ensure_ascii=False, sort_keys=True)


def _first_change(old: Record, new: Record, name: str) -> tuple[str | int, ...]:
    """The first leaf under field ``name`` that differs in ``new``, or the field itself."""
    changed = _changed_leaves(old, new, name)
    return _at(new, changed[0]) if changed else (name,)


def _changed_leaves(old: Record, new: Record, name: str) -> list[tuple[str | int, ...]]:
    """The leaves under field ``name`` whose value differs: changed or added in ``new``
    (in its order), then those removed (a null that now has fields is not removed)."""
    before: dict[Any, Any] = dict(walk(getattr(old, name), (name,)))
    after: dict[Any, Any] = dict(walk(getattr(new, name), (name,)))
    changed = [p for p, v in after.items() if before.get(p, _MISSING) != v]
    return changed + [p for p in before if p not in after and not any(q[: len(p)] == p for q in changed)]


def _at(new: Record, path: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Where to show a change at ``path``: the path if ``new`` has it, else its longest
    prefix that ``new`` has (a removed item is shown at its list)."""
    for end in range(len(path), 0, -1):
        value: Any = new
        for part in path[:end]:
            value = _child(value, part)
            if value is _MISSING:
                break
        else:
            return path[:end]
    return path[:1]


def _child(value: Any, part: str | int) -> Any:
    if isinstance(part, int):
        return value[part] if isinstance(value, list) and 0 <= part < len(value) else _MISSING
    return getattr(value, part, _MISSING) if not isinstance(value, dict) else value.get(part, _MISSING)


def _named_paths(text: str, old: Record, new: Record) -> list[tuple[str | int, ...]]:
    """The field paths an amendment's ``fields`` entry names, as leaf-path prefixes:
    ``funding.subsidy_cny``, ``indicators[0].target`` (by position) or ``indicators[I2]``
    (by the item's id, wherever it stands on either side)."""
    parts: list[str | int] = []
    for name, index in _SEGMENT.findall(text.strip()):
        key = (name or index).strip()
        parts.append(int(key) if key.isdigit() else key)
    if not parts:
        return []
    paths: list[tuple[str | int, ...]] = []
    for record in (old, new):
        path: list[str | int] = []
        value: Any = record
        for part in parts:
            if isinstance(part, str) and isinstance(value, list):  # an item named by its id
                part = next((i for i, item in enumerate(value) if getattr(item, "id", None) == part), -1)
            path.append(part)
            value = _child(value, part) if part != -1 else _MISSING
        if -1 not in path:
            paths.append(tuple(path))
    return paths or [tuple(parts)]
