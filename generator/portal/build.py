"""Building and serving the portal: which configuration, which records, which date.

``jiebang build`` works in any folder that holds ``records/``. With a ``mkdocs.yml`` there,
that file is the configuration (it must enable the ``jiebang`` plugin); without one, the
package's default ``generator/portal/mkdocs.yml`` is used, with ``site/docs/`` as the
hand-written pages when present. ``site/templates/`` overrides page templates and
``site/overrides/`` theme templates either way.

The "as of" date decides what is public (a 公示 shows from its first day) and the days
left to a deadline. It is, in order: the date passed in (``--as-of``), the date of
``SOURCE_DATE_EPOCH``, the date of the last commit when the records are in git, else
today — all in Beijing time. So two builds of the same commit give the same files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.dates import SHANGHAI, today
from generator.diagnostics import ERROR
from generator.portal.pages import Providers
from generator.portal.public import PublicView
from generator.reporters import REPORTERS
from generator.validate import Loaded, load_tree, report_for

PACKAGE = Path(__file__).parent
DEFAULT_CONFIG = PACKAGE / "mkdocs.yml"
PACKAGE_DOCS = PACKAGE / "docs"
THEME = PACKAGE / "theme"


class PortalError(Exception):
    """The portal cannot be built: a message for the official, never a traceback."""


class RecordErrors(PortalError):
    """The records have errors: nothing is published (the message is the report)."""


@dataclass(frozen=True)
class Inputs:
    """What a build reads besides the MkDocs configuration.

    ``loaded``: records already read (e.g. from git for ``--as-of``); None reads
    ``root/records`` at every build, so ``serve`` picks up edits. ``check``: refuse to
    build when the records have errors (``jiebang validate``)."""

    root: Path
    loaded: Loaded | None = None
    as_of: dt.date | None = None
    providers: Providers | None = None  # None: from the repository's git history
    check: bool = True


_PENDING: list[Inputs] = []


@contextmanager
def using(inputs: Inputs) -> Iterator[None]:
    """Hand inputs to the plugin instances MkDocs creates while this block runs."""
    _PENDING.append(inputs)
    try:
        yield
    finally:
        _PENDING.pop()


def pending() -> Inputs | None:
    return _PENDING[-1] if _PENDING else None


def source_epoch(root: Path) -> int | None:
    """SOURCE_DATE_EPOCH, else the committer time of HEAD when ``root`` is in git."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "")
    if env.isdigit():
        return int(env)
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = out.stdout.strip()
    return int(stamp) if out.returncode == 0 and stamp.isdigit() else None


def as_of_date(epoch: int | None) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, SHANGHAI).date() if epoch is not None else today()


def public_view(inputs: Inputs, as_of: dt.date) -> PublicView:
    """The public view of the records; refuses records with errors (when asked) and a missing programme."""
    loaded = inputs.loaded or load_tree(inputs.root)
    if inputs.check:
        report = report_for(loaded, (), inputs.root)
        if report.counts[ERROR]:
            raise PortalError(
                f"记录有 {report.counts[ERROR]} 个错误，门户未生成（请先用 jiebang validate 检查并修正）：\n{REPORTERS['text'](report)}"
            )
    if loaded.corpus.program is None:
        raise PortalError("缺少有效的 records/program.yaml：门户标题、发榜单位和政策参数都来自它。")
    return PublicView(loaded.corpus, as_of)


def open_data(
    root: Path,
    out: Path,
    formats: tuple[str, ...] = (),
    *,
    loaded: Loaded | None = None,
    as_of: dt.date | None = None,
    check: bool = True,
) -> list[Path]:
    """Write the open-data files (``jiebang export``): the same bytes as the portal's data/;
    ``formats`` among ``export.FORMATS``, all of them when empty."""
    from generator import export

    root = root.resolve()
    view = public_view(Inputs(root, loaded, check=check), as_of or as_of_date(source_epoch(root)))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in export.files(view, formats or export.FORMATS):
        (out / name).write_bytes(content)
        written.append(out / name)
    return written


def config_overrides(root: Path, out: Path | None) -> tuple[Path, dict[str, str]]:
    """The configuration file to use and the settings the command line overrides."""
    local = root / "mkdocs.yml"
    overrides: dict[str, str] = {}
    if out is not None:
        overrides["site_dir"] = str(out.resolve())
    if local.is_file():
        return local, overrides
    docs = root / "site" / "docs"
    overrides["docs_dir"] = str((docs if docs.is_dir() else PACKAGE_DOCS).resolve())
    overrides.setdefault("site_dir", str((root / "public").resolve()))
    return DEFAULT_CONFIG, overrides


def build_portal(
    root: Path,
    out: Path | None = None,
    *,
    loaded: Loaded | None = None,
    as_of: dt.date | None = None,
    providers: Providers | None = None,
    strict: bool = False,
    check: bool = True,
    gate: Callable[[], None] | None = None,
) -> Path:
    """Build the portal of the records repo at ``root``; returns the output folder.

    The site is built beside the output folder and replaces it only when the build, its
    checks and ``gate`` (which raises to refuse it: the rules, run meanwhile) succeed, so
    the published folder is never half-written. Raises :class:`PortalError` or a
    ``mkdocs.exceptions.MkDocsException`` (whose message MkDocs has already logged) when
    the portal cannot be built."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = root.resolve()
    if not (root / "records").is_dir():
        raise PortalError(f"找不到 {root / 'records'}：请在记录仓库的根目录运行，或用 --root 指定。")
    config_file, overrides = config_overrides(root, out)
    with using(Inputs(root, loaded, as_of, providers, check)):
        config = load_config(config_file=str(config_file), strict=strict, **overrides)  # type: ignore[arg-type]
        if "jiebang" not in config.plugins:
            raise PortalError(f"{config_file} 没有启用 jiebang 插件：请在 plugins 中加入 - jiebang。")
        site = Path(config.site_dir)
        staging = site.with_name(f".{site.name}.building")
        config.site_dir = str(staging)  # the site is replaced only by a build that succeeded
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
            if gate is not None:
                gate()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            config.plugins.on_shutdown()
    _replace(site, staging)
    return site


def _replace(site: Path, built: Path) -> None:
    """Put the built site in place of the old one (each a rename)."""
    old = site.with_name(f".{site.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        site.rename(old)
    built.rename(site)
    shutil.rmtree(old, ignore_errors=True)


def serve_portal(root: Path, dev_addr: str | None = None, providers: Providers | None = None) -> None:
    """Preview the portal; it rebuilds when a record, page or template changes."""
    from mkdocs.commands.serve import serve

    root = root.resolve()
    if not (root / "records").is_dir():
        raise PortalError(f"找不到 {root / 'records'}：请在记录仓库的根目录运行，或用 --root 指定。")
    config_file, overrides = config_overrides(root, None)
    overrides.pop("site_dir", None)  # serve builds into a temporary folder
    if dev_addr:
        overrides["dev_addr"] = dev_addr
    with using(Inputs(root, providers=providers)):
        serve(config_file=str(config_file), **overrides)  # type: ignore[arg-type]
