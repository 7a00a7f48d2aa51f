"""``jiebang new KIND [--from ID]``: a new record file with the next free id.

The template is generated from the kind's model, so it never drifts from the schema:
every required field appears with the placeholder ``待填写`` (a list with one, a table of
them) and a comment with the field's Chinese title and help; only the kind, the id, the
initial status, ``restricted: false`` and the project of a milestone or award are filled
in. The file parses, and S007 rejects it until every placeholder is filled in, which is
the point: no amount, date or choice is ever guessed for the official. A list in an
enterprise-led programme also gets its 发榜方 (the enterprise) to fill in.

With ``--from`` the source file is copied and only its id (and the schema modeline, if
the depth differs) is replaced. A bid is copied only into a new bid of a unit that has
no live bid on that list (a unit re-bidding after withdrawing): the copy is submitted
again, its date left to fill in.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator import dates
from generator.errors import CannotRun, reason
from generator.layout import RECORDS
from generator.models import KINDS
from generator.records.disk import Refused, create_file, iter_record_files, read_files
from generator.records.load import parse
from generator.records.placeholders import PLACEHOLDER

INITIAL_STATUS = {"need": "submitted", "list": "draft", "bid": "submitted", "project": "in-progress"}
PREFIX = {"need": "N", "list": "L", "bid": "B", "review": "R", "project": "P", "call": "C", "milestone": "M", "award": "A"}
MODELINE = "# yaml-language-server: $schema="
_PROJECT = re.compile(r"^P-(\d{4})-(\d{3})$")
_SEQ = re.compile(r"^[A-Z]-(\d{4})-(\d{2,3})(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class NewRecord:
    path: str  # repo-relative, posix
    text: str


FIRST_YEAR, LAST_YEAR = 2000, 2099  # ids carry a four-digit year; 揭榜挂帅 programmes began in the 2010s


def create(root: Path, kind: str, source: str | None = None, project: str | None = None, year: int | None = None) -> Path:
    """Write the new record under ``root`` and return its path; never overwrites a file
    and never writes through a symlink."""
    new = new_record(root, kind, source, project, year)
    try:
        return create_file(root, new.path, new.text.encode("utf-8"))
    except FileExistsError as exc:
        raise CannotRun(f"{new.path} 已存在，不会覆盖。") from exc
    except Refused as exc:
        raise CannotRun(f"无法新建 {new.path}：路径上有符号链接或特殊文件，不会经由它写入。请把它换成真实的文件夹，或删除它。") from exc
    except OSError as exc:
        raise CannotRun(f"无法新建 {new.path}：{reason(exc)}。") from exc


def new_record(
    root: Path, kind: str, source: str | None = None, project: str | None = None, year: int | None = None, today: dt.date | None = None
) -> NewRecord:
    """The path and text of a new ``kind`` record: from the model's template, or copied from ``source``."""
    if kind not in KINDS:
        raise CannotRun(f"未知的记录类型“{kind}”，应为 {' | '.join(KINDS)}。")
    if not (root / RECORDS).is_dir():
        raise CannotRun(f"找不到 {root / RECORDS}：请在记录仓库的根目录运行，或用 --root 指定。")
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise CannotRun(f"编号年份 {year} 无效：应为 {FIRST_YEAR} 至 {LAST_YEAR} 之间的四位数年份。")
    today = today or dates.today()
    files = {PurePosixPath(p).stem: p for p in iter_record_files(root)}  # a symlink's name is taken too: never written through
    if kind == "program":
        if (root / RECORDS / "program.yaml").exists() or source:
            raise CannotRun("records/program.yaml 已存在：每个记录仓库只有一个方案文件。")
        return NewRecord(f"{RECORDS}/program.yaml", program_template(today))
    if kind == "redactions":
        if (root / RECORDS / "redactions.yaml").exists() or source:
            raise CannotRun("records/redactions.yaml 已存在：请在其中追加条目。")
        return NewRecord(f"{RECORDS}/redactions.yaml", REDACTIONS_TEMPLATE)
    copied = _source_text(root, files, kind, source) if source else None
    if copied is not None and kind == "bid":
        _refuse_duplicate_bid(root, files, copied, str(source))
    if kind in ("milestone", "award"):
        project = project or (_project_of(source) if source else None)
        if not project or not _PROJECT.match(project):
            raise CannotRun(
                f"新建{KINDS[kind].label}须用 --project 指明所属项目（如 --project P-2024-003），或用 --from 复制同一项目的记录。"
            )
    year = today.year if year is None else year
    new_id = next_id(kind, set(files), year, project)
    rel = _place(root, kind, new_id, year)
    depth = len(PurePosixPath(rel).parts) - 1
    if copied is None:
        return NewRecord(rel, _template(kind, new_id, depth, project, _mode(root, files)))
    text = _copy(copied, new_id, kind, depth)
    return NewRecord(rel, _resubmitted(text) if kind == "bid" else text)


def program_template(today: dt.date) -> str:
    """``records/program.yaml`` with every required field to fill in (``待填写``)."""
    return _template("program", PLACEHOLDER, 1)


def next_id(kind: str, taken: set[str], year: int, project: str | None = None) -> str:
    """The next id after the highest one of this kind and year (or project): ids are never reused."""
    if kind in ("milestone", "award"):
        assert project is not None
        stem = f"{PREFIX[kind]}-{project[2:]}-"
        width, limit = 0, 99
    else:
        stem = f"{PREFIX[kind]}-{year}-"
        width, limit = (2, 99) if kind == "call" else (3, 999)
    used = [int(t[len(stem) :]) for t in taken if t.startswith(stem) and t[len(stem) :].isdigit()]
    number = max(used, default=0) + 1
    if number > limit:
        raise CannotRun(f"{stem}* 的编号已用完（最大 {limit}）。")
    return f"{stem}{number:0{width}d}"


def modeline(kind: str, depth: int) -> str:
    """The schema modeline of a record ``depth`` folders below the repository root."""
    return f"{MODELINE}{'../' * depth}schemas/{kind}.schema.json"


REDACTIONS_TEMPLATE = f"""{modeline("redactions", 1)}
kind: redactions
# 误录的个人信息从门户的历史、决策记录和按日期生成的门户中隐去（git 历史不改写）。每条写明：
#   commit 带入该信息的提交编号；record 记录编号；field 字段路径（如 principal_investigator.name）；reason 理由。
entries: []
"""


def _place(root: Path, kind: str, new_id: str, year: int) -> str:
    folder = f"{RECORDS}/{KINDS[kind].folder}"
    match = _SEQ.match(new_id)
    by_year = match and (root / folder / match[1]).is_dir()  # the folder is split by year
    return f"{folder}/{match[1]}/{new_id}.yaml" if by_year and match else f"{folder}/{new_id}.yaml"


def _source_text(root: Path, files: dict[str, str], kind: str, source: str) -> str:
    rel = files.get(source)
    if rel is None:
        raise CannotRun(f"找不到记录“{source}”。")
    ((_, raw),) = read_files(root, [rel])
    if isinstance(raw, OSError):
        raise CannotRun(f"{rel} 不能作为模板：{raw if isinstance(raw, Refused) else reason(raw)}")
    name = PurePosixPath(rel).name
    doc, problems = parse(name, raw)
    if doc is None or problems or not isinstance(doc.data, dict):
        raise CannotRun(f"{name} 无法解析，不能作为模板：{problems[0].message if problems else '内容不是一条记录'}")
    if doc.data.get("kind") != kind:
        raise CannotRun(f"“{source}”是 {doc.data.get('kind')} 记录，不是 {kind}。")
    return raw.decode("utf-8")


def _project_of(record_id: str) -> str | None:
    match = _SEQ.match(record_id)
    return f"P-{match[1]}-{match[2]}" if match and match[3] else None


def _copy(text: str, new_id: str, kind: str, depth: int) -> str:
    """The source text with its top-level id replaced and the modeline fitted to the new depth."""
    doc, _ = parse("source.yaml", text.encode("utf-8"))
    assert doc is not None and doc.node is not None
    value = next(v for k, v in doc.node.value if k.value == "id")
    lines = text.splitlines(keepends=True)
    line = value.start_mark.line
    lines[line] = lines[line][: value.start_mark.column] + new_id + lines[line][value.end_mark.column :]
    if lines and lines[0].startswith(MODELINE):
        lines[0] = modeline(kind, depth) + "\n"
    else:
        lines.insert(0, modeline(kind, depth) + "\n")
    return "".join(lines)


def _template(kind: str, new_id: str, depth: int, project: str | None = None, mode: str | None = None) -> str:
    preset: dict[str, str] = {"kind": kind, "id": new_id, "restricted": "false"}
    if kind in INITIAL_STATUS:
        preset["status"] = INITIAL_STATUS[kind]
    if project:
        preset["project"] = project
    lines = [modeline(kind, depth)]
    for name, info in KINDS[kind].model.model_fields.items():
        key = info.alias or name
        if key in preset:
            lines.append(f"{key}: {preset[key]}{_comment(info)}")
        elif info.is_required():
            lines.extend(_field(key, info.annotation, info, 0))
        elif kind == "list" and name == "issuer" and mode == "enterprise-led":
            lines.extend(_enterprise_issuer(info))
    return "\n".join(lines) + "\n"


def _enterprise_issuer(info: FieldInfo) -> list[str]:
    """企业主导型: the list is issued by the enterprise that poses the problem and pays most of it."""
    body = _model(_unwrap(info.annotation), 2)
    return ["issuer:  # 发榜方：企业主导型方案中为出题并出资的企业（通常即需求单位），需求单位投入应为主要资金来源",
            *(line.replace(f"type: {PLACEHOLDER}", "type: enterprise") for line in body)]  # fmt: skip


def _field(name: str, annotation: Any, info: FieldInfo | None, indent: int) -> list[str]:
    pad = " " * indent
    annotation = _unwrap(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    comment = _comment(info)
    if _is_model(annotation):
        return [f"{pad}{name}:{comment}", *_model(annotation, indent + 2)]
    if origin is list and args and _is_model(_unwrap(args[0])):
        body = _model(_unwrap(args[0]), indent + 4)
        body[0] = f"{pad}  - {body[0].lstrip()}"
        return [f"{pad}{name}:{comment}", *body]
    if origin is dict and args and _is_model(_unwrap(args[1])):
        return [f"{pad}{name}:{comment}", f"{pad}  {PLACEHOLDER}:", *_model(_unwrap(args[1]), indent + 4)]
    value = f"[{PLACEHOLDER}]" if origin in (list, tuple) else PLACEHOLDER
    return [f"{pad}{name}: {value}{comment}"]


def _model(model: type[BaseModel], indent: int) -> list[str]:
    lines: list[str] = []
    for name, info in model.model_fields.items():
        if info.is_required():
            lines.extend(_field(info.alias or name, info.annotation, info, indent))
    return lines


def _comment(info: FieldInfo | None) -> str:
    if info is None or not info.title:
        return ""
    extra = f"：{info.description}" if info.description and info.description != info.title else ""
    return f"  # {info.title}{extra}"


def _unwrap(annotation: Any) -> Any:
    """``Annotated[int, …]`` → int; ``X | None`` → X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _mode(root: Path, files: dict[str, str]) -> str | None:
    """The programme's organising mode, if program.yaml says it plainly."""
    rel = files.get("program")
    if rel is None:
        return None
    ((_, raw),) = read_files(root, [rel])
    mode = _mapping(parse("program.yaml", raw)[0]).get("mode") if isinstance(raw, bytes) else None
    return mode if isinstance(mode, str) else None


def _refuse_duplicate_bid(root: Path, files: dict[str, str], text: str, source: str) -> None:
    """A bid is copied only for a unit with no live bid on that list: never a second bid of one unit."""
    data = _mapping(parse("source.yaml", text.encode("utf-8"))[0])
    list_id, lead = data.get("list"), _mapping(data.get("lead"))
    who = _bidder_key(lead)
    bids = sorted((stem, rel) for stem, rel in files.items() if stem.startswith("B-"))
    for (stem, rel), (_, raw) in zip(bids, read_files(root, [rel for _, rel in bids]), strict=True):
        if not isinstance(raw, bytes) or not isinstance(list_id, str) or list_id.encode("utf-8") not in raw:
            continue  # read as YAML only the bids that name the list (and that could be read safely)
        bid = _mapping(parse(rel, raw)[0])
        if bid.get("list") == list_id and bid.get("status") == "submitted" and _bidder_key(_mapping(bid.get("lead"))) == who:
            raise CannotRun(
                f"不能复制 {source}：{lead.get('name', '')} 在榜单 {list_id} 上已有有效申报 {stem}，"
                "同一单位对同一榜单只能有一份有效申报。请直接修改该申报；如需重新申报，先将其撤回（status: withdrawn）。"
            )


def _mapping(value: Any) -> dict[str, Any]:
    """A parsed document's data, or a nested value, when it is a mapping; else empty."""
    if value is not None and hasattr(value, "data"):
        value = value.data
    return value if isinstance(value, dict) else {}


def _bidder_key(lead: dict[str, Any]) -> str:
    """A bidder's identity: its credit code, else (a team or an individual) its name."""
    return str(lead.get("credit_code") or lead.get("name") or "")


def _resubmitted(text: str) -> str:
    """A copied bid as a new submission: status submitted, its date left to fill in."""
    text = re.sub(r"(?m)^(status:[ \t]*)withdrawn\b", r"\g<1>submitted", text)
    return re.sub(r"(?m)^(submitted:[ \t]*)[^\s#]+", rf"\g<1>{PLACEHOLDER}", text)
