import os
import shutil

import pytest
from django.test.utils import override_settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a machine with no network beyond loopback: no sandbox as root, nothing phoned home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(
                "Chromium is missing: CI must run the browser tests (scripts/system-deps.sh)"
            )
        pytest.skip("Chromium is not installed (scripts/system-deps.sh installs it)")
    # Playwright's synchronous API runs an event loop in this thread; the ORM calls the tests
    # make around it are synchronous on purpose.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def plain_http():
    # The live server speaks plain HTTP on loopback, as a laptop on a local network does
    # (MUTUALIS_HTTPS=0); the middleware reads these when the server starts, hence before it.
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        LANGUAGE_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
    ):
        yield


@pytest.fixture(scope="session")
def live_server(plain_http, live_server):
    return live_server


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
