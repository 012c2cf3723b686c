"""The demo claims: `mutualis demo` gives the register's beneficiaries months of care at
realistic rates, submitted month by month and adjudicated by the engine, with portability,
guarantee letters and a medical review queue; the same seed gives the same claims. The region of
the demo's users lists them on statements and pays them, never twice nor beyond what a statement
owes. Runs on SQLite and PostgreSQL."""

import datetime
import hashlib
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max, Q, Sum
from django.test import TestCase
from django.utils import timezone

from mutualis.claims.choices import ClaimStatus, Outcome, ReasonCode
from mutualis.claims.demo import age_on
from mutualis.claims.models import Claim, ClaimLine, GuaranteeLetter, ReviewPolicy
from mutualis.core.models import NumberSeries
from mutualis.federation.models import User
from mutualis.membership.models import Beneficiary
from mutualis.settlements.models import ProviderPayment, Statement, StatementClaim

MONTHS = 12


def load_demo(**options):
    call_command("demo", stdout=StringIO(), **options)


def window(months=MONTHS):
    """The first and last days of care of the demo's claims."""
    this_month = timezone.localdate().replace(day=1)
    first = this_month
    for _ in range(months):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first, this_month - datetime.timedelta(days=1)


class TestDemoClaims(TestCase):
    """One demo for every test of the class: loading it is what takes time. 60 mutuals give
    some departments several mutuals, whose members are treated at each other's facilities."""

    @classmethod
    def setUpTestData(cls):
        load_demo(mutuals=60, households_per_mutual=3, claims_months=MONTHS, seed=4)
        cls.region = User.objects.get(username="officer").organisation  # where payments are

    def test_people_claim_one_to_three_times_a_year_young_children_and_women_most(self):
        first, last = window()
        per_person = Counter(Claim.objects.values_list("beneficiary_id", flat=True))
        claims, years = Counter(), Counter()  # by group: "all", "child", "man", "woman"
        for pk, sex, birth, enrolled, left, resigned in Beneficiary.objects.values_list(
            "pk", "sex", "birth_date", "enrolled_on", "left_on", "household__resigned_on"
        ):
            start = max(first, enrolled)
            end = min(day for day in (left, resigned, last + datetime.timedelta(days=1)) if day)
            age = age_on(birth, start)
            adult = "woman" if sex == "F" else "man"
            for group in ("all", "child" if age < 5 else adult if 15 <= age < 50 else None):
                claims[group] += per_person[pk]
                years[group] += max(0, (end - start).days) / 365.25
        rate = {group: claims[group] / years[group] for group in ("all", "child", "man", "woman")}
        assert 1 <= rate["all"] <= 3
        assert rate["child"] > 1.5 * rate["man"]
        assert rate["woman"] > 1.5 * rate["man"]

    def test_every_claim_and_line_adds_up_to_what_was_asked(self):
        lines = ClaimLine.objects.all()
        assert lines.count() > 1000
        parts = F("mutual_share") + F("member_share") + F("provider_loss")
        assert not lines.exclude(asked=parts).exists()
        fields = ("asked", "mutual_share", "member_share", "provider_loss", "copay")
        sums = defaultdict(lambda: [0] * len(fields))
        for claim, *amounts in lines.values_list("claim_id", *fields):
            sums[claim] = [a + b for a, b in zip(sums[claim], amounts, strict=True)]
        for claim in Claim.objects.values_list("pk", *fields):
            assert sums[claim[0]] == list(claim[1:])

    def test_the_engine_approves_most_lines_adjusts_some_and_rejects_some_with_reasons(self):
        outcomes = Counter(ClaimLine.objects.values_list("outcome", flat=True))
        assert outcomes[Outcome.APPROVED] > 0.8 * sum(outcomes.values())
        assert outcomes[Outcome.ADJUSTED] > 0 and outcomes[Outcome.REJECTED] > 0
        reasons = Counter()
        for stored in ClaimLine.objects.exclude(reasons="").values_list("reasons", flat=True):
            reasons.update(stored.split(","))
        assert reasons[ReasonCode.ABOVE_TARIFF] and reasons[ReasonCode.QUANTITY_LIMIT]
        assert reasons[ReasonCode.SUBMITTED_LATE] and reasons[ReasonCode.DUPLICATE]
        assert not ClaimLine.objects.filter(outcome=Outcome.REJECTED, reasons="").exists()

    def test_monthly_batches_come_early_the_next_month_some_claims_months_late(self):
        today = timezone.localdate()
        delays = {}
        for pk, submitted, until in Claim.objects.values_list("pk", "submitted_on", "service_to"):
            assert until < submitted <= today
            assert submitted.day <= 10 or submitted == today
            delays[pk] = (submitted - until).days
        late = ClaimLine.objects.filter(reasons__contains=ReasonCode.SUBMITTED_LATE)
        assert any(days > 75 for days in delays.values())
        # past every agreement's deadline (90 days at most): rejected
        assert {pk for pk, days in delays.items() if days > 90} <= set(
            late.values_list("claim_id", flat=True)
        )

    def test_the_demo_clerk_enters_the_claims_of_their_facility_the_others_are_uploaded(self):
        channels = set(Claim.objects.values_list("provider__staff__username", "channel"))
        assert channels == {(None, "upload"), ("clerk", "clerk")}
        assert set(
            Claim.objects.filter(channel="clerk").values_list("submitted_by__username", flat=True)
        ) == {"clerk"}

    def test_some_members_are_treated_at_another_mutual_s_facility_which_charges_them_back(self):
        portability = Claim.objects.filter(payer__kind="mutual").exclude(payer=F("mutual"))
        assert portability.exists()
        for claim in portability.select_related("payer", "mutual", "provider"):
            assert claim.payer.parent_id == claim.mutual.parent_id
            assert claim.provider.location_id == claim.payer.location_id
        assert portability.count() < 0.06 * Claim.objects.count()

    def test_hospital_stays_come_with_a_guarantee_letter_of_the_beneficiary_s_mutual(self):
        stays = Claim.objects.filter(provider__kind="district_hospital")
        with_letter = stays.exclude(guarantee_letter=None).select_related("guarantee_letter")
        assert stays.filter(service_to__gt=F("service_from")).exists()
        assert with_letter.count() > 0.5 * stays.count()
        for claim in with_letter:
            letter = claim.guarantee_letter
            assert (letter.mutual_id, letter.beneficiary_id) == (
                claim.mutual_id,
                claim.beneficiary_id,
            )
            assert letter.provider_id == claim.provider_id
            assert letter.valid_from <= claim.service_from <= letter.valid_until
        unlettered = ClaimLine.objects.filter(
            claim__in=stays.filter(guarantee_letter=None), service_category="hospitalisation"
        )
        assert all(
            ReasonCode.LETTER_MISSING in r for r in unlettered.values_list("reasons", flat=True)
        )
        last = dict(
            NumberSeries.objects.filter(name="letters").values_list("organisation_id", "last_value")
        )
        numbers = GuaranteeLetter.objects.values("mutual_id").annotate(Max("number"))
        assert last == {row["mutual_id"]: row["number__max"] for row in numbers}

    def test_a_few_recent_claims_wait_for_the_medical_advisor_older_ones_were_reviewed(self):
        policy = ReviewPolicy.objects.get(owner__kind="national_union")
        assert (policy.amount_threshold, policy.sample_bp) == (100_000, 200)
        recent = timezone.localdate() - datetime.timedelta(days=61)
        waiting = Claim.objects.filter(status=ClaimStatus.IN_REVIEW)
        assert waiting.exists()
        assert not waiting.filter(submitted_on__lt=recent).exists()
        assert waiting.count() < 0.2 * Claim.objects.filter(submitted_on__gte=recent).count()
        reviewed = Claim.objects.exclude(reviewed_at=None)
        assert reviewed.exists() and not reviewed.exclude(review_reasons__gt="").exists()
        for submitted, reviewed_at in reviewed.values_list("submitted_on", "reviewed_at"):
            assert submitted < timezone.localtime(reviewed_at).date() < timezone.localdate()

    # the provider payments of these claims (settlements.demo)
    def test_the_region_of_the_demo_users_lists_its_claims_on_statements(self):
        statements = Statement.objects.all()
        assert statements.count() > 20
        assert not statements.exclude(mutual__path__startswith=self.region.path).exists()
        # every claim of the region paid and cared for before the last two months is listed
        last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        two_months_ago = last_month.replace(day=1) - datetime.timedelta(days=1)
        unlisted = Claim.objects.filter(
            payer__path__startswith=self.region.path,
            status=ClaimStatus.DECIDED,
            mutual_share__gt=0,
            service_from__lte=two_months_ago,
        ).exclude(pk__in=StatementClaim.objects.values("claim_id"))
        assert not unlisted.exists()
        # each statement's total is what its claims pay
        for statement in statements.annotate(listed=Sum("claims__amount")):
            assert statement.total == statement.listed

    def test_statements_are_paid_in_terms_late_in_parts_or_not_yet_never_beyond(self):
        statements = Statement.objects.annotate(
            paid=Sum("payments__amount", default=0),
            payments_count=Count("payments"),
            late=Count("payments", filter=Q(payments__paid_on__gt=F("due_on"))),
        )
        assert all(0 <= s.paid <= s.total for s in statements)
        assert any(s.paid == s.total and s.late == 0 for s in statements)
        assert any(s.late > 0 for s in statements)
        assert any(s.paid == 0 for s in statements)
        assert any(0 < s.paid < s.total or s.payments_count >= 2 for s in statements)
        (reversal,) = ProviderPayment.objects.filter(reverses__isnull=False)
        assert reversal.amount == -reversal.reverses.amount
        assert reversal.statement_id == reversal.reverses.statement_id


# --- the same seed, the same claims ------------------------------------------------------------


class Rollback(Exception):
    pass


def digest_of_demo(seed):
    """A digest of the claims a demo of `seed` writes, taken before the demo is rolled back."""
    try:
        with transaction.atomic():
            load_demo(mutuals=3, households_per_mutual=6, claims_months=4, seed=seed)
            claims = Claim.objects.order_by("provider__code", "provider_reference")
            rows = list(
                claims.values_list(
                    "provider__code",
                    "provider_reference",
                    "beneficiary__member_number",
                    "service_from",
                    "payer__code",
                    "asked",
                    "mutual_share",
                    "status",
                )
            )
            lines = list(
                ClaimLine.objects.order_by(
                    "claim__provider__code", "claim__provider_reference", "position"
                ).values_list("item_code", "quantity", "unit_price", "outcome", "reasons")
            )
            raise Rollback(hashlib.sha256(repr((rows, lines)).encode()).hexdigest(), len(rows))
    except Rollback as done:
        return done.args


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_claims_and_another_seed_others():
    first, count = digest_of_demo(7)
    assert count
    assert digest_of_demo(7) == (first, count)
    assert digest_of_demo(8)[0] != first


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options", [{"claims_months": 0}, {"households_per_mutual": 0}], ids=["no months", "no people"]
)
def test_without_months_or_people_there_are_no_claims(options):
    load_demo(**{"mutuals": 2, "households_per_mutual": 4, "seed": 1, **options})
    assert Claim.objects.count() == 0 and GuaranteeLetter.objects.count() == 0
    assert Beneficiary.objects.exists() == bool(options.get("households_per_mutual", 4))
