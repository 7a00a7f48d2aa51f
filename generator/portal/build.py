"""Building and serving the portal with MkDocs; writing the open data alone.

``jiebang build`` works in any folder that holds ``records/``. With a ``mkdocs.yml`` there,
that file is the configuration (it must enable the ``jiebang`` plugin); without one, the
package's default ``generator/portal/mkdocs.yml`` is used, with ``site/docs/`` as the
hand-written pages when present. ``site/templates/`` overrides page templates and
``site/overrides/`` theme templates either way.

A build writes into a staging folder of its own beside the output folder and, only when
MkDocs and the checks succeed, swaps it into place in one step (``renameat2`` with
``RENAME_EXCHANGE`` where the system has it), holding a lock so that two builds into one
folder take turns at the swap: the output folder is never missing or half-written.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from generator import export
from generator.errors import CannotRun, RecordErrors, os_message
from generator.layout import RECORDS
from generator.portal.check import leaks_in
from generator.portal.pipeline import Built, PortalBuild, open_data_files
from generator.public.leaks import Secrets

PACKAGE = Path(__file__).parent
DEFAULT_CONFIG = PACKAGE / "mkdocs.yml"
PACKAGE_DOCS = PACKAGE / "docs"


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
    revision: str | None = None,
    as_of: dt.date | None = None,
    strict: bool = False,
    check: bool = True,
    offline: bool = False,
) -> Path:
    """Build the portal of the records repo at ``root`` (see ``PortalBuild``); returns the output folder."""
    site, _ = publish(PortalBuild(root, revision=revision, as_of=as_of, check=check), out, strict=strict, offline=offline)
    return site


def publish(portal: PortalBuild, out: Path | None = None, *, strict: bool = False, offline: bool = False) -> tuple[Path, Built]:
    """Run ``portal``, have MkDocs render its result into a staging folder and swap that
    into the output folder. ``offline``: a site to open from disk (``portal/offline.py``).
    Raises ``CannotRun``, ``RecordErrors``, or a ``mkdocs.exceptions.MkDocsException``
    whose message MkDocs has already logged."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config_file, overrides = config_overrides(portal.root, out)
    config = load_config(
        config_file=str(config_file),
        strict=strict,
        **overrides,  # type: ignore[arg-type]
        **({"use_directory_urls": False} if offline else {}),  # type: ignore[arg-type]
    )
    plugin = config.plugins.get("jiebang")
    if plugin is None:
        raise CannotRun(f"{config_file} 没有启用 jiebang 插件：请在 plugins 中加入 - jiebang。")
    site = Path(config.site_dir)
    refuse_output(portal.root, site)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        plugin.offline = offline  # type: ignore[attr-defined]
        built = plugin.built = portal.run(config.site_url, config.use_directory_urls)  # type: ignore[attr-defined]
        with staging(site) as folder:
            config.site_dir = str(folder)
            build(config)
    finally:
        config.plugins.on_shutdown()
    return site, built


def refuse_output(root: Path, site: Path) -> None:
    """A build replaces its output folder whole: never one that holds the records."""
    site, root = site.resolve(), root.resolve()
    if site == root or site in root.parents:
        raise CannotRun(
            f"输出目录 {site} 是记录仓库本身或其上级文件夹：生成门户会整体替换输出目录，仓库将被删除。请另选输出目录，如 public/。"
        )
    if (root / RECORDS).resolve() in (site, *site.parents):
        raise CannotRun(f"输出目录 {site} 位于 records/ 之中：请另选输出目录，如 public/。")
    if site.is_dir() and ((site / ".git").exists() or (site / RECORDS).exists()):
        raise CannotRun(f"输出目录 {site} 含有 .git 或 records/，是一个仓库而不是门户：生成门户会整体替换它。请另选输出目录。")


@contextmanager
def staging(site: Path) -> Iterator[Path]:
    """A new folder beside ``site`` to build into; it takes ``site``'s place only if the
    block succeeds, and is removed otherwise.

    The folder is locked (``flock``) while its build lives, so a later build can tell a
    folder left by a killed build (SIGKILL) from one still in use, and removes it."""
    try:
        site.parent.mkdir(parents=True, exist_ok=True)
        with _locked(site):
            _remove_abandoned(site)
            folder = Path(tempfile.mkdtemp(prefix=f".{site.name}{BUILDING}", dir=site.parent))
            held = _hold(folder)
    except OSError as exc:
        raise CannotRun(f"无法写入输出目录 {site}：{os_message(exc)}。请检查路径、权限和磁盘空间。") from exc
    try:
        yield folder
        with _locked(site):
            _swap_in(folder, site)
    except OSError as exc:
        raise CannotRun(f"无法写入输出目录 {site}：{os_message(exc)}。请检查路径、权限和磁盘空间；原有内容未改动。") from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(held)


BUILDING = ".building-"


def _hold(folder: Path) -> int:
    """An open descriptor of ``folder`` holding an exclusive lock on it until closed."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _remove_abandoned(site: Path) -> None:
    """Staging folders of builds that no longer run (nobody holds their lock)."""
    for entry in os.scandir(site.parent):
        if not entry.name.startswith(f".{site.name}{BUILDING}") or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a build is using it
        finally:
            os.close(fd)
        shutil.rmtree(entry.path, ignore_errors=True)


@contextmanager
def _locked(site: Path) -> Iterator[None]:
    """The output's parent folder locked (``flock`` on the folder itself: no lock file is left)."""
    fd = os.open(site.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _swap_in(folder: Path, site: Path) -> None:
    """``folder`` becomes ``site``; the old site ends up at ``folder`` (removed by the caller)."""
    if site.is_dir() and _exchange(folder, site):
        return
    if site.exists():
        old = folder.with_name(folder.name + ".old")
        site.rename(old)
        folder.rename(site)
        old.rename(folder)
    else:
        folder.rename(site)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


def open_data(root: Path, out: Path, formats: tuple[str, ...] = (), *, check: bool = True) -> list[Path]:
    """Write the open-data files (``jiebang export``): the same bytes as the portal's data/;
    ``formats`` among ``export.FORMATS``, all of them when empty. The files pass the portal's
    leak check before any is written; each is written beside its place and all are then
    renamed into place, so a reader never sees half a file and a refusal writes nothing."""
    portal = PortalBuild(root, check=check)
    loaded, day, _ = portal.load()
    portal.require_no_errors(loaded)
    view, cleaning, _ = portal.public(loaded, day, None)  # past texts are cleaned as the portal cleans them
    formats = formats or export.FORMATS
    releases = portal.releases(view, None, cleaning, None) if "ocds" in formats else None
    files = open_data_files(view, formats, releases)
    leaks = leaks_in(files, Secrets.of(view))
    if leaks:
        raise RecordErrors(
            "\n".join(leaks) + "\n开放数据中出现了不公开的信息，未写出任何文件：请检查公开记录的文字是否提及非公开的记录、单位或人员。"
        )
    staged: list[tuple[str, Path]] = []  # every file is written beside its place first, then all are renamed
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, content in files:
            staged.append((name, _written(out, name, content)))
        for name, tmp_path in staged:
            os.replace(tmp_path, out / name)
    except OSError as exc:
        for _, tmp_path in staged:
            tmp_path.unlink(missing_ok=True)
        raise CannotRun(f"无法写入 {out}：{os_message(exc)}。请检查路径、权限和磁盘空间。") from exc
    return [out / name for name, _ in files]


def _written(folder: Path, name: str, content: bytes) -> Path:
    """``content`` in a new hidden file beside ``folder/name``; nothing is left if writing fails."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.")
    try:
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def serve_portal(root: Path, dev_addr: str | None = None) -> None:
    """Preview the portal; it rebuilds when a record, page or template changes."""
    from mkdocs.commands.serve import serve

    root = root.resolve()
    if not (root / "records").is_dir():
        raise CannotRun(f"找不到 {root / 'records'}：请在记录仓库的根目录运行，或用 --root 指定。")
    config_file, overrides = config_overrides(root, None)
    overrides.pop("site_dir", None)  # serve builds into a temporary folder
    if dev_addr:
        overrides["dev_addr"] = dev_addr
    settings: dict[str, Any] = dict(overrides)
    if config_file == DEFAULT_CONFIG:  # the package's configuration: the plugin learns where the records are
        plugins = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))["plugins"]
        # a mapping, not a list: MkDocs takes a list's items apart, and serve reads the settings at every rebuild
        settings["plugins"] = {name: {"root": str(root)} if name == "jiebang" else {} for name in plugins}
    serve(config_file=str(config_file), **settings)
