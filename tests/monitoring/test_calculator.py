"""The contribution calculator against a reference written from the rule's words (docs and
DOMAIN.md): the pure premium is the sum over services of uses a year × average cost × share
covered; the contribution a year is the pure premium over what the loadings leave; the
contribution per period is that a year × months / 12, rounded up to the rounding.

Mutations caught: loadings added to the premium instead of taken from the contribution
(premium × (1 + loadings)); the period's share taken before rounding the year; rounding half
up instead of up; coverage ignored; a service counted once whatever its frequency."""

import re
from decimal import ROUND_CEILING, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mutualis.federation.rules import Role
from mutualis.monitoring.calculator import Inputs, ServiceUse, compute, errors
from mutualis.monitoring.models import Study
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.monitoring.test_dashboard import treated  # noqa: F401 - three visits in March 2025
from tests.settlements.conftest import bill, no_review  # noqa: F401 - claims decided at once

USES = st.builds(
    ServiceUse,
    st.sampled_from(["consultation", "medicines", "laboratory", "hospitalisation"]),
    st.integers(0, 1000),
    st.integers(0, 200_000),
    st.integers(0, 10_000),
)
INPUTS = st.builds(
    Inputs,
    st.lists(USES, min_size=1, max_size=5).map(tuple),
    st.integers(0, 4000),
    st.integers(0, 4000),
    st.sampled_from([1, 3, 6, 12]),
    st.integers(0, 10_000),
    st.none() | st.integers(0, 50_000),
    st.sampled_from([1, 5, 25, 100]),
)


def reference(inputs: Inputs) -> tuple[Decimal, int]:
    pure = sum(
        Decimal(u.frequency) / 100 * u.cost * Decimal(u.coverage_bp) / 10_000
        for u in inputs.services
    )
    kept = 1 - Decimal(inputs.management_bp + inputs.reserves_bp) / 10_000
    period = pure / kept * inputs.months / 12
    steps = (period / inputs.rounding).to_integral_value(rounding=ROUND_CEILING)
    return pure, int(steps) * inputs.rounding


@settings(max_examples=300, deadline=None)
@given(inputs=INPUTS)
def test_the_contribution_follows_the_rule_s_words(inputs):
    result = compute(inputs)
    pure, per_period = reference(inputs)
    assert result.per_period == per_period
    assert abs(result.pure_premium - pure) <= Decimal("0.5")
    assert result.budget == per_period * (12 // inputs.months) * inputs.beneficiaries
    # more use or dearer care never asks less
    for _use, row in result.sensitivity:
        assert list(row) == sorted(row)
    assert [row[2] for _use, row in result.sensitivity] == sorted(
        row[2] for _use, row in result.sensitivity
    )


def test_loadings_that_leave_nothing_for_benefits_are_refused():
    use = ServiceUse("consultation", 150, 1500, 8000)
    assert "management" in errors(Inputs((use,), 8000, 2000, 12))
    assert "services" in errors(Inputs((), 1000, 500, 12))
    assert errors(Inputs((use,), 1500, 500, 12)) == {}


def test_the_page_starts_from_the_claims_and_keeps_a_study(client, federation, cast, treated):  # noqa: F811
    client.force_login(cast[Role.MUTUAL_MANAGER])
    url = f"/monitoring/{federation.m1.pk}/calculator/"
    assert client.get(url).status_code == 200
    form = {
        "name": "CMU 2026",
        "months": "12",
        "management": "15",
        "reserves": "5",
        "beneficiaries": "1000",
        "current": "7000",
        "rounding": "50",
        "services-TOTAL_FORMS": "2",
        "services-INITIAL_FORMS": "0",
        "services-0-service": "consultation",
        "services-0-frequency": "1.5",
        "services-0-cost": "1500",
        "services-0-coverage": "80",
        "services-1-service": "medicines",
        "services-1-frequency": "2",
        "services-1-cost": "2500",
        "services-1-coverage": "70",
    }
    answer = client.post(url, form)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "6650FCFA" in re.sub(r"\s", "", page)  # 5,300 / 0.8, rounded up to 50
    study = Study.objects.get()
    assert study.name == "CMU 2026" and study.inputs["management_bp"] == 1500
    reopened = client.get(f"{url}?study={study.uid}").content.decode()
    assert 'value="2500"' in reopened
    # loadings of 100 %: refused, naming the field, nothing kept
    refused = client.post(url, {**form, "management": "90", "reserves": "10", "name": "x"})
    assert refused.status_code == 200 and Study.objects.count() == 1
