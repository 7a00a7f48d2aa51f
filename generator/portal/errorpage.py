"""The page ``jiebang serve`` shows while the portal cannot be built.

When the records have errors (or a template is broken, or the post-build checks fail),
the preview server still builds, but its every page is this one: the findings with file,
line and column, rule and message, as ``jiebang validate`` reports them. The page reloads
itself every few seconds, so once the files are fixed and saved the browser shows the
portal again. A standalone page (no theme, no script): it must not depend on what failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import jinja2

from generator.diagnostics import Diagnostic

RELOAD_SECONDS = 3
LEVELS = {"error": "错误", "warning": "警告", "info": "提示"}

_PAGE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="{{ reload }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>门户未生成：{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
h1 { color: #b00020; font-size: 1.5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th, td:nth-child(-n+3) { white-space: nowrap; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #f6f6f6; padding: 1rem; white-space: pre-wrap; }
.warning { color: #8a5a00; }
</style>
</head>
<body>
<h1>门户未生成：{{ title }}</h1>
<p>请按下表修正记录文件并保存：预览会自动重新生成，本页每 {{ reload }} 秒刷新一次。在终端运行 <code>jiebang validate</code> 可看到同样的报告。</p>
{% if findings %}
<table>
<thead><tr><th>位置</th><th>级别</th><th>规则</th><th>说明</th></tr></thead>
<tbody>
{% for d in findings %}
<tr class="{{ d.level }}"><td><code>{{ d.path }}:{{ d.line }}:{{ d.column }}</code></td><td>{{ levels.get(d.level|string, d.level) }}</td><td>{{ d.rule }}</td><td>{{ d.message }}</td></tr>
{% endfor %}
</tbody>
</table>
{% else %}
<pre>{{ message }}</pre>
{% endif %}
</body>
</html>
"""
)


def error_page(message: str, findings: Sequence[Diagnostic] = ()) -> str:
    """The HTML of the page: the findings as a table, or the message when there are none."""
    errors = sum(str(d.level) == "error" for d in findings)
    title = f"记录有 {errors} 个错误" if errors else "无法生成"
    return _PAGE.render(title=title, message=message, findings=list(findings), levels=LEVELS, reload=RELOAD_SECONDS)


def write_error_site(site: Path, page: str) -> None:
    """Make ``page`` the site's home page and its 404 page, which the preview server shows
    for every address that has no file (every other page, while the build fails)."""
    for name in ("index.html", "404.html"):
        (site / name).write_text(page, encoding="utf-8")
