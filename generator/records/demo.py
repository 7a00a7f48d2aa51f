"""``jiebang demo DIR``: a demo records repository with a real record of decisions.

The shipped demo records (``records/`` of the source, the Shapingba programme; or
``examples/hainan/records/``) are the programme as it stands at the end. ``demo`` replays
how it got there (``replay.py``) as the main line a bureau's repository would have: a
first commit as ``jiebang init`` writes it, whose ``.github/allowed_signers`` is the trust
root, then one pull request per decision — 方案, 需求征集, 榜单起草, 论证, 党组会确定,
发布, 揭榜, 评审与公示, 异议, 公示期满, 任务书, 节点检查, 拨付, 验收, 更正, 撤榜, 撤下 — each a
branch commit by the official who drafted it and a merge commit signed by the approver,
dated the day the decision was taken, naming its reviewers in ``Reviewed-by:`` trailers.
A takedown carries its ``Policy-Override`` in the approving merge's message.

The approvers' SSH keys are made for the demo in a temporary folder and deleted once the
history is written: nobody can add a signed approval to the demo afterwards. A real bureau
lists its own approvers' keys in ``.github/allowed_signers`` (docs/officials.md).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.dates import SHANGHAI
from generator.errors import CannotRun, os_message
from generator.git.writer import Person, PullRequest, SigningKey, Writer, make_key
from generator.layout import RECORDS
from generator.records.init import scaffold
from generator.records.replay import Change, Patch, Script, Source, Step, replay
from generator.schemas import write_schemas

SOURCE_ROOT = Path(__file__).resolve().parents[2]  # the source checkout the demo records come with
EMAIL = "kjj.example.org"


@dataclass(frozen=True)
class Official:
    name: str
    user: str  # the e-mail's local part
    office: str

    @property
    def person(self) -> Person:
        return Person(self.name, f"{self.user}@{EMAIL}")

    @property
    def trailer(self) -> str:
        return f"{self.name} <{self.user}@{EMAIL}>"


LEADER = Official("陈立新", "chenlixin", "分管副局长")
TRANSFER = Official("王建华", "wangjianhua", "成果转化科科长")
FINANCE = Official("赵敏", "zhaomin", "计划财务科科长")
CLERK = Official("李娜", "lina", "成果转化科")
REVIEWS = Official("周涛", "zhoutao", "成果转化科（评审管理）")
PROJECTS = Official("孙丽", "sunli", "计划财务科")
SIGNERS = (LEADER, TRANSFER, FINANCE)  # the approvers: their keys are the trust root


@dataclass(frozen=True)
class Stage:
    """How one kind of decision is proposed and approved."""

    title: str  # the pull request's title; {ids} are the records it changes
    author: Official  # who drafts the change
    approver: Official  # who signs the merge
    reviewers: tuple[Official, ...] = ()


STAGE_TABLE: dict[str, Stage] = {
    "program": Stage("发布实施方案与政策参数", TRANSFER, LEADER),
    "need": Stage("需求征集：登记需求 {ids}", CLERK, TRANSFER),
    "need-declined": Stage("需求征集：需求 {ids} 未予采纳", CLERK, TRANSFER, (LEADER,)),
    "draft": Stage("需求凝练：起草榜单 {ids}", CLERK, TRANSFER),
    "argument": Stage("榜单论证：{ids}", REVIEWS, TRANSFER, (CLERK,)),
    "extension": Stage("周期论证：{ids}", REVIEWS, TRANSFER, (CLERK,)),
    "decision": Stage("党组会确定榜单：{ids}", CLERK, LEADER, (TRANSFER,)),
    "call": Stage("写榜发布：申报指南与榜单 {ids}", CLERK, LEADER, (TRANSFER,)),
    "takedown": Stage("撤下公开：{ids} 改为限定范围发布", TRANSFER, LEADER),
    "amendment": Stage("更正公告：{ids}", CLERK, LEADER, (TRANSFER,)),
    "bid": Stage("揭榜申报：录入 {ids}", CLERK, TRANSFER),
    "bid-withdrawn": Stage("揭榜申报：{ids} 撤回", CLERK, TRANSFER),
    "withdrawn": Stage("撤榜：{ids}", CLERK, LEADER, (TRANSFER,)),
    "closed": Stage("申报截止：{ids}", CLERK, TRANSFER),
    "review": Stage("揭榜评审与公示：{ids}", REVIEWS, TRANSFER, (CLERK,)),
    "objection": Stage("公示异议登记：{ids}", REVIEWS, TRANSFER),
    "publicity-end": Stage("公示期满：{ids}", REVIEWS, TRANSFER, (CLERK,)),
    "approval": Stage("立项审定：{ids}", REVIEWS, LEADER, (TRANSFER,)),
    "project": Stage("签订任务书：{ids}", PROJECTS, FINANCE, (TRANSFER,)),
    "check": Stage("节点检查：{ids}", REVIEWS, FINANCE, (PROJECTS,)),
    "award": Stage("资金拨付：{ids}", PROJECTS, FINANCE),
    "acceptance": Stage("结题验收：{ids}", REVIEWS, FINANCE, (TRANSFER,)),
    "outcome": Stage("结题：{ids}", PROJECTS, FINANCE, (TRANSFER,)),
    "terminated": Stage("终止项目：{ids}", PROJECTS, LEADER, (FINANCE,)),
}


@dataclass(frozen=True)
class Programme:
    """A demo programme: where its records are and what they do not date themselves."""

    name: str
    folder: Path  # holds records/ (and site/, the hand-written pages, when it has them)
    profile: str  # jiebang init's profile for the repository's other files
    script: Script
    overrides: dict[str, str] = field(default_factory=dict)  # record taken down → the override's reason
    notes: dict[tuple[dt.date, str], str] = field(default_factory=dict)  # (date, stage) → a line of the description


SHAPINGBA = Programme(
    "shapingba",
    SOURCE_ROOT,
    "shapingba",
    Script(
        start=dt.date(2024, 1, 8),
        dates={
            ("N-2024-012", "declined"): dt.date(2024, 8, 16),
            ("B-2024-004", "withdrawn"): dt.date(2024, 6, 24),
            ("P-2024-004", "terminated"): dt.date(2025, 3, 14),
        },
        takedowns={"L-2024-010": dt.date(2024, 9, 5)},
        patches=(
            # The 更正公告 of 2024-09-20 replaced how indicator I3 is verified.
            Patch("L-2024-009", dt.date(2024, 9, 20), "amendment", "实验室台架测试}", "第三方台架测试报告及需求单位现场运行记录}"),
            # Argued at 36 months; the period review of 2024-07-31 extended it to 48.
            Patch(
                "L-2024-008",
                dt.date(2024, 7, 31),
                "extension",
                "  months: 36\n  nodes:\n    - {month: 12, requirement: 完成动力系统方案设计及台架样机}\n"
                "    - {month: 24, requirement: 完成整机集成改装}\n    - {month: 36, requirement: 完成型式试验和货场示范运行并通过验收}\n",
                "  months: 48\n  nodes:\n    - {month: 12, requirement: 完成动力系统方案设计及台架样机}\n"
                "    - {month: 24, requirement: 完成整机集成改装}\n    - {month: 36, requirement: 完成整机型式试验}\n"
                "    - {month: 48, requirement: 货场示范运行满3000小时并通过验收}\n",
            ),
        ),
    ),
    overrides={"L-2024-010": "经区保密审查，榜单所涉装备用途须限定发布范围，撤下公开信息，改为特定范围发布"},
    notes={
        (
            dt.date(2024, 12, 3),
            "publicity-end",
        ): "公示期内收到异议1件（R-2024-019）：经核查，揭榜单位相关发明专利已于2024年授权，另有软件著作权4项，异议不成立。",
    },
)
HAINAN = Programme(
    "hainan",
    SOURCE_ROOT / "examples" / "hainan",
    "hainan",
    Script(
        start=dt.date(2025, 1, 6),
        dates={
            ("N-2025-008", "declined"): dt.date(2025, 4, 22),
            ("B-2025-006", "withdrawn"): dt.date(2025, 6, 20),
            ("B-2025-011", "withdrawn"): dt.date(2025, 6, 9),
            ("P-2025-005", "terminated"): dt.date(2026, 4, 10),
        },
        rechecks={"M-2025-001-1": ("R-2026-010",)},
        patches=(
            # Drafted at 36 months; the period review of 2026-06-17 extended it to 42.
            Patch(
                "L-2026-003",
                dt.date(2026, 6, 17),
                "extension",
                "  months: 36\n  nodes:\n    - {month: 12, requirement: 完成控制系统}\n    - {month: 24, requirement: 完成样箱}\n"
                "    - {month: 36, requirement: 完成远洋海运试验并通过验收}\n",
                "  months: 42\n  nodes:\n    - {month: 12, requirement: 完成控制系统}\n    - {month: 30, requirement: 完成样箱}\n"
                "    - {month: 42, requirement: 完成两次远洋海运试验并通过验收}\n",
            ),
        ),
    ),
)
PROGRAMMES = {"shapingba": SHAPINGBA, "hainan": HAINAN}


def create_demo(target: Path, programme: str = "shapingba") -> int:
    """Write the demo repository into ``target`` (absent or empty); returns the number of pull requests."""
    if programme not in PROGRAMMES:
        raise CannotRun(f"没有演示方案“{programme}”，可选：{'、'.join(PROGRAMMES)}。")
    prog = PROGRAMMES[programme]
    sources = read_sources(prog.folder / RECORDS)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise CannotRun(f"{target} 已存在且不是空目录：jiebang demo 只在新目录或空目录中生成演示仓库。")
    steps = replay(sources, prog.script)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        staging.chmod(0o755)  # a repository like any other, not a private temporary folder
    except OSError as exc:
        raise CannotRun(f"无法写入 {target}：{os_message(exc)}。请检查路径和权限。") from exc
    try:  # written beside the target and moved into place whole: a failure leaves nothing behind
        _write(staging, prog, steps)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as exc:
        raise CannotRun(f"无法写入 {target}：{os_message(exc)}。请检查路径和权限。") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return len(steps)


def _write(root: Path, prog: Programme, steps: list[Step]) -> None:
    with tempfile.TemporaryDirectory(prefix="jiebang-demo-keys-") as keys_dir:  # the keys are deleted with it
        keys = {o.name: make_key(Path(keys_dir), o.user) for o in SIGNERS}
        writer = Writer(root)
        first = _at(prog.script.start - dt.timedelta(days=3), 0)
        writer.commit(_first_files(prog, keys), "初始化记录仓库（jiebang init）", LEADER.person, first, keys[LEADER.name])
        _pull_requests(writer, prog, steps, keys)
        writer.finish()


def read_sources(folder: Path) -> list[Source]:
    if not folder.is_dir():
        raise CannotRun(f"找不到演示记录 {folder}：演示记录随 jiebang 的源代码提供（git clone 或源码包），不在 pip 安装的包中。")
    found = []
    for path in sorted(folder.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        found.append(Source(f"{RECORDS}/{path.relative_to(folder).as_posix()}", text, yaml.safe_load(text)))
    return found


def _first_files(prog: Programme, keys: dict[str, SigningKey]) -> dict[str, str]:
    """What ``jiebang init`` writes (records apart), the schemas, the programme's own pages,
    and the approvers' keys: the trust root."""
    files = {rel: text for rel, text in scaffold(prog.profile).files.items() if not rel.startswith(f"{RECORDS}/")}
    files["README.md"] = _readme(prog) + files["README.md"]
    signers = "\n".join(f"# {o.name}（{o.office}）\n{keys[o.name].signers_line(f'{o.name},{o.user}@{EMAIL}')}" for o in SIGNERS)
    files[".github/allowed_signers"] = "# 有权签名批准的人员及其 SSH 公钥（演示用密钥，生成后即删除）\n" + signers + "\n"
    with tempfile.TemporaryDirectory() as folder:
        for path in write_schemas(Path(folder) / "schemas"):
            files[f"schemas/{path.name}"] = path.read_text(encoding="utf-8")
    site = prog.folder / "site"
    if site.is_dir():
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            files[f"site/{path.relative_to(site).as_posix()}"] = path.read_text(encoding="utf-8")
    return files


def _readme(prog: Programme) -> str:
    return (
        "> **演示仓库。** 本仓库由 `jiebang demo` 生成：记录是 jiebang 随附的演示方案，"
        "主线上的每个合并请求按记录自身的日期重演了方案的每一项决定（需求征集、论证、党组会确定、发布、揭榜、"
        "评审与公示、任务书、节点检查、验收、拨付，以及一次更正公告、一次依法撤下和一件公示异议），"
        "并由演示审批人的 SSH 密钥签名。这些密钥只为生成本仓库而造，生成后即删除，不能再签任何提交。"
        "真实的科技局在 `.github/allowed_signers` 中登记本单位审批人自己的公钥"
        "（见 jiebang 的 docs/officials.md）。\n\n"
    )


def _at(day: dt.date, order: int) -> dt.datetime:
    """A merge time on ``day``: from 10:00 Beijing time, twenty minutes apart."""
    return dt.datetime.combine(day, dt.time(10, 0), SHANGHAI) + dt.timedelta(minutes=20 * order)


def _pull_requests(writer: Writer, prog: Programme, steps: list[Step], keys: dict[str, SigningKey]) -> None:
    day, order = None, 0
    for number, step in enumerate(steps, start=1):
        order = order + 1 if step.date == day else 0
        day = step.date
        stage = STAGE_TABLE[step.stage]
        ids = [c.id for c in step.changes]
        title = stage.title.format(ids=_names(ids))
        body = "\n".join(_line(c) for c in step.changes)
        note = prog.notes.get((step.date, step.stage))
        if note:
            body += f"\n\n{note}"
        if step.stage == "takedown":
            body += "".join(f"\n\nPolicy-Override: C005 {rid} {prog.overrides[rid]}" for rid in ids if rid in prog.overrides)
        trailers = "\n".join(f"Reviewed-by: {o.trailer}" for o in stage.reviewers)
        description = f"{title}\n\n{body}" + (f"\n\n{trailers}" if trailers else "")
        branch = f"kjj/{step.stage}" + (f"-{ids[0]}" if ids and step.stage != "program" else "")
        pr = PullRequest(
            number, branch, title, description, stage.author.person, stage.approver.person, keys[stage.approver.name], _at(step.date, order)
        )
        writer.merge(pr, step.files)


def _names(ids: list[str]) -> str:
    return "、".join(ids[:6]) + ("等" if len(ids) > 6 else "")


def _line(change: Change) -> str:
    before, after = change.status
    if change.created:
        return f"- 新增 {change.id}" + (f"（{after}）" if after else "")
    if before != after:
        return f"- {change.id}：状态 {before} → {after}"
    return f"- 修改 {change.id}"
