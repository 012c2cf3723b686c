"""Claims to pay, built on the claims' `care` fixture: the Diop household of M1, covered from
9 February 2025; the health post of Joal under agreement with M1 (C-1) and the one of Pakour
under agreement with D2 (C-2), so that M1's members treated at Pakour are paid by D2 and charged
back to M1 (portability). A consultation with ten tablets costs the payer 1,000 XOF."""

import datetime
import itertools

import pytest
from django.utils import timezone

from mutualis.claims.models import ReviewPolicy
from mutualis.claims.services import ClaimInput, LineInput, claims_submit
from tests.claims.conftest import care  # noqa: F401  (the fixture, for this folder's tests)

D = datetime.date
MARCH = D(2025, 3, 1)
ISSUED = D(2025, 4, 2)  # the day March's statements are issued: a month over, in the past
CARE = D(2025, 3, 10)
FUTURE = timezone.localdate() + datetime.timedelta(days=2)


@pytest.fixture(autouse=True)
def no_review(federation):
    """Every claim decided at once: no random sample, no adjusted line or frequency held."""
    ReviewPolicy.objects.create(
        owner=federation.national,
        sample_bp=0,
        review_adjusted=False,
        beneficiary_claims_30_days=1000,
    )


@pytest.fixture
def bill(care):  # noqa: F811
    """Submits one consultation of `who` at `provider` on `day` (submitted `late` days after),
    and returns the claim, decided."""
    numbers = itertools.count(1)

    def bill(who=None, provider="PS-JOAL", day=CARE, late=0):
        who = who or care.moussa
        claim = ClaimInput(
            member_number=who.member_number,
            provider_code=provider,
            provider_reference=f"F-{next(numbers):04d}",
            service_from=day,
            service_to=None,
            lines=(LineInput("CS-PS", 1, 1000), LineInput("PARA500", 10, 25)),
        )
        submission = claims_submit(
            [claim],
            channel="clerk",
            actor=None,
            scope_prefix="/",
            today=day + datetime.timedelta(days=late),
        )
        assert submission.saved, submission.errors
        return submission.claims[0]

    return bill
