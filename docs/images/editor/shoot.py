"""Screenshots for docs/adoption.md: the hover on `grade` and the diagnostic on `subsidy_cny: 10万`.

Run after `npm ci && npm run build`, from this folder, with Playwright for Python and a Chromium
(CHROMIUM, default /usr/bin/chromium): python shoot.py
"""

import functools
import http.server
import os
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
OUT = HERE.parent  # docs/images/


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(HERE)))
threading.Thread(target=server.serve_forever, daemon=True).start()


def hover(page, line: str, word: str, expect: str, name: str) -> None:
    """Move the mouse onto `word` in the first line that starts with `line`; shoot once the hover shows `expect`."""
    page.mouse.move(5, 5)
    page.wait_for_selector(".monaco-hover", state="hidden")
    x, y = page.evaluate(
        """([line, word]) => {
            const model = editor.getModel();
            const n = model.getLinesContent().findIndex(l => l.trimStart().startsWith(line)) + 1;
            const column = model.getLineContent(n).indexOf(word) + 2;
            editor.revealLineInCenterIfOutsideViewport(n);
            const box = editor.getDomNode().getBoundingClientRect();
            const at = editor.getScrolledVisiblePosition({lineNumber: n, column});
            return [box.left + at.left + 2, box.top + at.top + at.height / 2];
        }""",
        [line, word],
    )
    page.mouse.move(x, y)
    page.locator(".monaco-hover-content").filter(has_text=expect).wait_for()
    page.wait_for_timeout(300)
    page.screenshot(path=OUT / name)
    print(name, (OUT / name).stat().st_size, "bytes")


with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    page = browser.new_page(viewport={"width": 880, "height": 480})
    page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
    page.wait_for_selector(".squiggly-warning", timeout=60_000)  # the language server has checked the record
    hover(page, "grade:", "grade", "项目等级", "editor-hover.png")
    hover(page, "funding:", "10万", "integer", "editor-error.png")
    browser.close()
server.shutdown()
