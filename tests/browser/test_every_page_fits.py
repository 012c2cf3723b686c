"""Every page a demo user reaches from the home page fits a 390 px phone and a 1366 px laptop:
nothing wider than the screen, a form table's inputs under their column's header, and in French
no raw ISO date nor English word of the interface in the visible text.

Each role signs in, follows the site's links from the home page (as bench/bench_pages.py does,
a few pages per route) and every page is measured at both widths. Screenshots of each role's
home, at both widths and in both languages, go to var/screenshots/ for a person to look at.
"""

import re
import urllib.parse
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from mutualis.membership.models import Beneficiary

pytestmark = pytest.mark.browser

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
PASSWORD = "mutualis"  # the demo's (federation/demo.py)
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
PAGES_PER_ROUTE = 2
PAGES_PER_USER = 80
SKIPPED = ("/logout/", "/i18n/", "/static/", "/api/", "/fhir/", "/admin/")
# files and feeds, which a browser downloads or shows as they are
DOWNLOADS = re.compile(r"\.(pdf|xlsx|csv|json|ics|atom)$|/export/$|/file$")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Words of the interface that a French page must not show. Capitalised words are matched with
# their capital (labels, headings, buttons), lower-case ones as whole words inside sentences;
# none of them is a Senegalese, Malian or Beninese name, place or facility of the demo.
# ("Balance" alone is French too: the trial balance is la balance)
ENGLISH = re.compile(
    r"\b(the|of the|with|and the|Search|Save|Cancel|Home|Households?|Claims?|Members?|"
    r"Providers?|Payments?|Contributions?|Sign out|Password|Previous|Next|Edit|Delete|Back|"
    r"Status|Amount|Received|Due|Paid|Balances|Statements?|Users?|Settings|Show|Add|New|"
    r"Yes|No|None|Name|Number|Total due|Download|Upload|Print|Approve|Reject|Review|"
    r"Eligibility|Covered|Not covered|Benefit|Agreements?|Acts|Medicines|Federation|Register|"
    r"Cash report|Third payers|Guarantee letters?|Medical review|Clearing|Page \d+ of)\b"
)

# The rightmost elements that stick out of the screen, to name the culprit of an overflow.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const out = [...document.querySelectorAll('body *')].filter(element => {
    const box = element.getBoundingClientRect();
    return box.width && box.right > width + 1 && !element.closest('.table-scroll, table')
      || element.matches('table') && box.right > width + 1;
  });
  const outermost = out.filter(element => !out.includes(element.parentElement)).slice(0, 3);
  const name = element => element.tagName.toLowerCase()
    + (element.id ? '#' + element.id : '')
    + (element.classList.length ? '.' + [...element.classList].join('.') : '');
  return document.documentElement.scrollWidth + 'px: ' + outermost.map(name).join(', ');
}"""

# The inputs of a form table whose middle does not lie under its column's header.
MISPLACED_INPUTS = """() => {
  const wrong = [];
  for (const table of document.querySelectorAll('main form table')) {
    const heads = [...table.querySelectorAll('thead th')].map(th => th.getBoundingClientRect());
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((cell, column) => {
        const input = cell.querySelector('input:not([type=hidden]), select, textarea');
        if (!input || !heads[column] || !input.getBoundingClientRect().width) return;
        const box = input.getBoundingClientRect();
        const middle = box.left + box.width / 2;
        if (middle < heads[column].left || middle > heads[column].right) wrong.push(input.name);
      });
    }
  }
  return wrong;
}"""

# The visible text of the page (inputs' values are not text), less what is marked as written
# in another language (the language switch, a name in its own language, the English edition
# of the Courrier): hidden while the text is read, since an element's own text of several
# paragraphs is not always found as such in the page's.
VISIBLE_TEXT = """() => {
  const others = [...document.querySelectorAll('body [lang]:not([lang^=fr])')];
  const shown = others.map(element => element.style.display);
  for (const element of others) element.style.display = 'none';
  const text = document.body.innerText;
  others.forEach((element, index) => { element.style.display = shown[index]; });
  return text;
}"""

LINKS = """() => [...document.querySelectorAll('a[href]:not([download])')]
  .map(a => a.getAttribute('href'))"""


def route_of(path: str) -> str:
    return re.sub(r"\d+", "N", urllib.parse.urlsplit(path).path)


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: not url.rstrip("/").endswith("/login"))


def problems_of(page, width: int, french: bool) -> list[str]:
    problems = []
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        problems.append(f"wider than the screen: {overflow}")
    misplaced = page.evaluate(MISPLACED_INPUTS)
    if misplaced:
        problems.append(f"inputs off their column: {', '.join(misplaced[:5])}")
    if french and width == LAPTOP["width"]:  # the whole menu is visible on a laptop
        text = page.evaluate(VISIBLE_TEXT)
        dates = sorted(set(ISO_DATE.findall(text)))
        if dates:
            problems.append(f"ISO dates: {', '.join(dates[:3])}")
        words = sorted(set(ENGLISH.findall(text)))
        if words:
            problems.append(f"English: {', '.join(words[:8])}")
    return problems


def crawl(
    browser, base_url: str, username: str, searches: list[str], screenshots: Path | None = None
) -> list[tuple]:
    """(user, url, width, problem) of every page the user reaches from the home page and from
    the register's `searches` (its pages are reached from a search, as people reach them)."""
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    found = []
    try:
        sign_in(page, username)
        if screenshots:
            shoot_home(context, page, username, screenshots)
        seen: set[str] = set()
        per_route: Counter[str] = Counter()
        queue = ["/", *searches]
        while queue and len(seen) < PAGES_PER_USER:
            path = queue.pop(0)
            if path in seen or per_route[route_of(path)] >= PAGES_PER_ROUTE:
                continue
            seen.add(path)
            per_route[route_of(path)] += 1
            response = page.goto(path)
            if response is None or response.status >= 400:
                status = response.status if response else "no answer"
                if not (path in searches and status == 403):  # a role without the register
                    found.append((username, path, "-", f"answered {status}"))
                continue
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            path = urllib.parse.urlsplit(page.url)._replace(scheme="", netloc="").geturl()
            for size in (PHONE, LAPTOP):
                page.set_viewport_size(size)
                for problem in problems_of(page, size["width"], french=True):
                    found.append((username, path, size["width"], problem))
            page.set_viewport_size(PHONE)
            for href in page.evaluate(LINKS):
                target = urllib.parse.urljoin(path, href).split("#")[0]
                if (
                    target.startswith("/")
                    and not target.startswith(SKIPPED)
                    and not DOWNLOADS.search(urllib.parse.urlsplit(target).path)
                ):
                    queue.append(target)
    finally:
        context.close()
    return found


def shoot_home(context, page, username: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    host = urllib.parse.urlsplit(page.url).hostname
    for language in ("fr", "en"):
        context.add_cookies(
            [{"name": "django_language", "value": language, "domain": host, "path": "/"}]
        )
        page.goto("/")
        for name, size in (("phone", PHONE), ("laptop", LAPTOP)):
            page.set_viewport_size(size)
            page.screenshot(path=folder / f"home-{username}-{language}-{name}.png", full_page=True)
    context.add_cookies([{"name": "django_language", "value": "fr", "domain": host, "path": "/"}])
    page.set_viewport_size(PHONE)


@pytest.fixture
def searches(transactional_db) -> list[str]:
    """A small demo, and searches of the register for its two commonest family names."""
    call_command(
        "demo", mutuals=2, households_per_mutual=5, claims_months=2, seed=1, stdout=StringIO()
    )
    names = (
        Beneficiary.objects.values_list("last_name", flat=True)
        .annotate(people=Count("pk"))
        .order_by("-people", "last_name")[:2]
    )
    return [f"/register/?{urllib.parse.urlencode({'q': name})}" for name in names]


@pytest.mark.parametrize("username", USERS)
def test_every_page_a_user_reaches_fits_the_screen_and_speaks_french(
    browser, live_server, searches, username
):
    found = crawl(browser, live_server.url, username, searches, screenshots=SCREENSHOTS)
    assert not found, "\n".join(
        [f"{len(found)} problems (user, url, width, problem):"]
        + [f"  {user}  {url}  {width}  {problem}" for user, url, width, problem in found]
    )
