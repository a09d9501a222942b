"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser)."""

import os
import shutil

import pytest
from django.core.servers.basehttp import WSGIServer
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in this thread; Django must still allow DB access.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class OneAtATime(WSGIServer):
    """Answers one request at a time: an in-memory SQLite test database is one connection, which
    the threaded test server would share between concurrent requests — the 工作台's cards load
    side by side after the page — and hang now and then."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, answering one request at a time (see ``OneAtATime``)."""
    server = LiveServer("localhost", start=False)
    server.thread.server_class = OneAtATime
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed (scripts/test installs it with apt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser, live_server):
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base_url = live_server.url
    page.viewport_name = request.param
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def fits(page) -> None:
    """Nothing on the page spills sideways (a phone must not scroll horizontally)."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, "nothing spills sideways"


def log_in(page, username, password="pass-1234-word"):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def open_menu(page):
    """On a phone the navigation is collapsed behind the toggler."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
