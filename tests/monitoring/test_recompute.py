"""`mutualis recompute-indicators` works every fact and figure out again from the whole event
log, in one process or several reading their shares of the logs at once (issue 15): whatever the
number of processes, it finds what the consumer `indicators` kept, event batch after event
batch, for the demo's mutuals (their register, payments, claims and a closed month of books).

The processes work on a database of their own, filled by `mutualis demo` and kept current by
`mutualis work`; the facts and figures are compared row for row.
Mutations this test catches: a share of the logs left unread or read twice; a tally of another
process merged without its covers, its care or its books' months."""

import json
import sys

import pytest

from tests.apart import MUTUALIS, database_apart, run

DUMP = """
import json, django
django.setup()
from mutualis.monitoring.models import BooksFigure, Care, Cover, Figure, Flow
tables = {
    Figure: ("organisation", "span", "start", "code", "value", "source", "parts"),
    Care: ("organisation", "month", "provider", "service", "count", "rejected", "incurred"),
    Cover: ("organisation", "beneficiary", "head", "start", "left", "resigned"),
    Flow: ("organisation", "month", "code", "value"),
    BooksFigure: ("organisation", "month", "code", "value"),
}
print(json.dumps({
    model.__name__: sorted(map(str, model.objects.values_list(*fields)))
    for model, fields in tables.items()
}))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory, django_db_blocker):
    folder = tmp_path_factory.mktemp("recompute")
    with database_apart(folder, django_db_blocker, "recompute") as env:
        env["DJANGO_SETTINGS_MODULE"] = "mutualis.config.settings"
        run(env, str(MUTUALIS), "demo", "--mutuals", "3", "--households-per-mutual", "8")
        run(env, str(MUTUALIS), "work", "--once")
        yield env


def kept(env) -> dict[str, list[str]]:
    return json.loads(run(env, sys.executable, "-c", DUMP).stdout)


def test_the_recomputation_finds_what_the_consumer_kept(demo):
    before = kept(demo)
    assert all(before[table] for table in ("Figure", "Care", "Cover", "Flow", "BooksFigure"))

    for processes in (1, 2, 3):
        done = run(demo, str(MUTUALIS), "recompute-indicators", "--processes", str(processes))

        assert f"{len(before['Figure'])} figures worked out again" in done.stdout
        assert kept(demo) == before, f"in {processes} processes"
