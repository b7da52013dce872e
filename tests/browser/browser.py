"""What both browser scripts share: the plan the Rust test hands over, one headless Chromium, and
page helpers that read the page the way a user (or an assistive technology) meets it."""

import json
import os
import sys
import traceback
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from playwright.sync_api import sync_playwright

HERE = os.path.dirname(os.path.abspath(__file__))
# Debian's package; Playwright's own browser download is not used (scripts/browser-python).
CHROMIUM = os.environ.get("BROWSER_CHROMIUM", "/usr/bin/chromium")


def plan():
    """The plan written by tests/api/browser.rs: the server's base URL, the page types, the
    languages, and the services each task chooses."""
    with open(sys.argv[1], encoding="utf-8") as f:
        return json.load(f)


def with_lang(path, lang):
    """`path` with `lang=` added to its query, as the language switch's links carry it."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qs(parts.query, keep_blank_values=True).items()]
    flat = [(k, v) for k, vs in query for v in vs if k != "lang"] + [("lang", lang)]
    return urlunsplit(parts._replace(query=urlencode(flat)))


def path_of(url):
    return urlsplit(url).path


def query_of(url):
    return parse_qs(urlsplit(url).query)


@contextmanager
def chromium():
    """One browser and one page for the whole script; a CSP-respecting context (scripts come
    only from Playwright's own evaluation channel, as an extension's would)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            # a reader in Norway: the pages choose their language from Accept-Language
            context = browser.new_context(
                viewport={"width": 1200, "height": 900}, locale="nb-NO"
            )
            page = context.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def run(main):
    """Runs `main(page, plan)`; on failure prints where the page was and what it showed, and
    exits 1 so that the Rust test fails with this output."""
    p = plan()
    with chromium() as page:
        try:
            result = main(page, p)
        except Exception as e:
            # Playwright's own frames say nothing about which step of ours failed
            ours = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.startswith(HERE)]
            print("".join(traceback.format_list(ours)), file=sys.stderr)
            print(f"{type(e).__name__}: {e}", file=sys.stderr)
            print(f"\nat {page.url}", file=sys.stderr)
            try:
                print(page.locator("body").inner_text()[:3000], file=sys.stderr)
            except Exception:
                pass
            sys.exit(1)
    json.dump(result, sys.stdout)


def links_to(scope, path):
    """The links inside `scope` (a locator) whose target's path is `path`, whatever query
    (`lang=`) they keep."""
    return [
        a
        for a in scope.locator("a[href]").all()
        if path_of(a.evaluate("a => a.href")) == path
    ]


def html_lang(page):
    return page.evaluate("document.documentElement.lang")


def focused(page):
    """What has the keyboard focus: tag, href, id, type, value and classes."""
    return page.evaluate(
        """() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), href: e.href || null, id: e.id || null,
                type: e.type || null, value: e.value || null,
                cls: e.className || '', inResults: !!e.closest('ul.results')}; }"""
    )


def expect(condition, message):
    if not condition:
        raise AssertionError(message)
