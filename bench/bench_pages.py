"""page_weight_max_kb: the heaviest page of the demo, compressed, as a browser first loads it.

A national-scale demo (700 mutuals, 10 households each) is served by the production server
(gunicorn, WhiteNoise,
GZip); every demo user signs in and the benchmark follows the links of the site from the home
page, a few pages per route. A page's weight is its HTML plus the stylesheets, scripts and images
it references, each as sent with `Accept-Encoding: gzip` — what a manager's weak connection
carries on a first visit, with nothing cached.
"""

import gzip
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from html.parser import HTMLParser
from http.cookiejar import CookieJar

from bench import BenchError, Context, Result

USERS = [
    "admin",
    "officer",
    "advisor",
    "manager",
    "agent",
    "cashier",
    "accountant",
    "clerk",
    "editor",
]
PASSWORD = "mutualis"
PAGES_PER_ROUTE = 3
PAGES_PER_USER = 120
SKIPPED = ("/logout/", "/i18n/", "/static/")
# The register's pages are reached from a search, as people reach them.
SEARCHES = ("/register/?q=diop", "/register/?q=ndiaye")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.pages: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.pages.append(values["href"])
        elif tag == "link" and values.get("rel") in {"stylesheet", "icon"}:
            self.assets.append(values["href"])
        elif tag in {"script", "img"} and values.get("src"):
            self.assets.append(values["src"])


class Browser:
    """A first-visit browser: a cookie jar, gzip accepted, sizes counted as transferred."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.asset_sizes: dict[str, int] = {}

    def fetch(self, path: str, data: dict | None = None) -> tuple[int, bytes, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            urllib.parse.urljoin(self.base, path),
            data=body,
            headers={"Accept-Encoding": "gzip", "Referer": urllib.parse.urljoin(self.base, path)},
        )
        with self.opener.open(request, timeout=30) as response:
            raw = response.read()
            final = response.geturl()
        return len(raw), gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw, final

    def sign_in(self, username: str) -> None:
        self.fetch("/login/")
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        _, _, final = self.fetch(
            "/login/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        if final.rstrip("/").endswith("/login"):
            raise BenchError(f"{username} could not sign in")

    def assets_weight(self, links: Links) -> int:
        total = 0
        for asset in links.assets:
            if asset not in self.asset_sizes:
                self.asset_sizes[asset] = self.fetch(asset)[0]
            total += self.asset_sizes[asset]
        return total


def route_of(path: str) -> str:
    return re.sub(r"\d+", "N", urllib.parse.urlsplit(path).path)


def crawl(base: str, username: str) -> list[tuple[int, str]]:
    browser = Browser(base)
    browser.sign_in(username)
    seen: set[str] = set()
    per_route: Counter[str] = Counter()
    queue = ["/", *SEARCHES]
    weights = []
    while queue and len(seen) < PAGES_PER_USER:
        path = queue.pop(0)
        if path in seen or per_route[route_of(path)] >= PAGES_PER_ROUTE:
            continue
        seen.add(path)
        per_route[route_of(path)] += 1
        try:
            size, html, _ = browser.fetch(path)
        except urllib.error.HTTPError as error:
            if path in SEARCHES and error.code == 403:
                continue  # a role without the register
            raise BenchError(f"{username}: {path} answered {error.code}") from error
        links = Links()
        links.feed(html.decode("utf-8", "replace"))
        weights.append((size + browser.assets_weight(links), path))
        for href in links.pages:
            target = urllib.parse.urljoin(path, href)
            if target.startswith("/") and not target.startswith(SKIPPED):
                queue.append(target.split("#")[0])
    return weights


def run(ctx: Context) -> list[Result]:
    folder = ctx.scratch("pages")
    database = ctx.sqlite_url(folder / "demo.sqlite3")
    ctx.mutualis("migrate", "--noinput", "--verbosity", "0", database_url=database, var_dir=folder)
    ctx.mutualis(
        "demo",
        "--mutuals",
        "700",
        "--households-per-mutual",
        "10",
        "--seed",
        "1",
        database_url=database,
        var_dir=folder,
    )
    ctx.mutualis(
        "collectstatic", "--noinput", "--verbosity", "0", database_url=database, var_dir=folder
    )
    with ctx.production_server(database_url=database, var_dir=folder, workers=2) as server:
        weights = [weight for username in USERS for weight in crawl(server.url, username)]
    heaviest, path = max(weights)
    print(f"  {len(weights)} pages; heaviest {path}: {heaviest / 1024:.1f} KB")
    return [Result("page_weight_max_kb", round(heaviest / 1024, 1), "KB", goal=200, better="lower")]
