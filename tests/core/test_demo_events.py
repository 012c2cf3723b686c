"""The demo through the same writers (issue 13): every row `mutualis demo` writes has the event
the service writing it would append, with the payload the service's builder makes of the same
row, in the log of the organisation the service uses, each organisation's log in date order.
Runs on SQLite and PostgreSQL."""

import datetime
from collections import Counter
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from mutualis.benefits import events as benefits_events
from mutualis.benefits.models import BenefitPackage, PackageVersion, Payer
from mutualis.claims import events as claims_events
from mutualis.claims.choices import ClaimStatus
from mutualis.claims.models import Claim, GuaranteeLetter
from mutualis.contributions import events as contributions_events
from mutualis.contributions.models import Due, Payment, Receivable
from mutualis.contributions.queries import household_grids
from mutualis.contributions.services import dues_recognise, receivables_recognise
from mutualis.core.event_check import check
from mutualis.core.models import Event
from mutualis.federation import events as federation_events
from mutualis.federation.models import Affiliation, Organisation, User
from mutualis.membership import events as membership_events
from mutualis.membership.models import Beneficiary, Household

# the field of each event's payload that says on which day it happened
DAY = {
    "household.enrolled": "enrolled_on",
    "beneficiary.added": "enrolled_on",
    "beneficiary.left": "left_on",
    "household.resigned": "resigned_on",
    "payment.recorded": "received_on",
    "receivable.recognised": "recognised_on",
    "dues.recognised": "recognised_on",
    "letter.issued": "valid_from",
    "claim.adjudicated": "submitted_on",
    "claim.submitted": "submitted_on",
}
SOME = 5


def event_of(row, kind: str) -> Event:
    return Event.objects.get(subject=row.uid, kind=kind)


class TestDemoEvents(TestCase):
    """One demo for every test: 250 households give some of every kind of change."""

    @classmethod
    def setUpTestData(cls):
        call_command(
            "demo",
            mutuals=5,
            households_per_mutual=50,
            claims_months=6,
            seed=3,
            stdout=StringIO(),
        )

    def assert_logged(self, row, kind: str, built, organisation_id: int, actor=None) -> Event:
        """The row's event is the one the builder makes of it, in that organisation's log."""
        event = event_of(row, kind)
        self.assertEqual(event.organisation_id, organisation_id)
        self.assertEqual(event.actor_id, getattr(actor, "pk", None))
        self.assertEqual(event.version, built.version)
        self.assertEqual(event.subject, built.subject)
        self.assertEqual(sorted(event.payload), sorted(built.payload))
        self.assertEqual(event.payload, built.payload)
        return event

    def test_check_events_finds_the_log_and_the_tables_in_agreement(self):
        report = check()
        self.assertTrue(report, [d for d in report.differences if d] or report.gaps)
        out = StringIO()
        call_command("check_events", "--quiet", stdout=out)
        self.assertEqual(out.getvalue().strip(), "The event log and the tables agree.")

    def test_the_demo_logs_every_kind_of_change_it_makes(self):
        kinds = Counter(Event.objects.values_list("kind", flat=True))
        self.assertEqual(kinds["organisation.created"], Organisation.objects.count())
        self.assertEqual(kinds["payer.created"], Payer.objects.count())
        self.assertEqual(kinds["package.created"], BenefitPackage.objects.count())
        self.assertEqual(kinds["package.version_added"], PackageVersion.objects.count())
        self.assertEqual(kinds["household.enrolled"], Household.objects.count())
        self.assertEqual(
            kinds["household.resigned"],
            Household.objects.filter(resigned_on__isnull=False).count(),
        )
        self.assertEqual(
            kinds["beneficiary.left"], Beneficiary.objects.filter(left_on__isnull=False).count()
        )
        self.assertEqual(kinds["payment.recorded"], Payment.objects.count())
        self.assertEqual(kinds["dues.recognised"], Due.objects.count())
        self.assertEqual(
            kinds["claim.adjudicated"] + kinds["claim.submitted"], Claim.objects.count()
        )
        self.assertEqual(
            kinds["claim.reviewed"], Claim.objects.filter(reviewed_at__isnull=False).count()
        )
        self.assertEqual(kinds["letter.issued"], GuaranteeLetter.objects.count())
        for kind in (
            "household.resigned",
            "beneficiary.added",
            "beneficiary.left",
            "claim.reviewed",
            "claim.submitted",
            "letter.issued",
            "statement.issued",
            "provider_payment.recorded",
            "receivable.recognised",
        ):
            self.assertGreater(kinds[kind], 0, kind)

    def test_organisations_payers_and_packages_are_logged_as_their_services_log_them(self):
        for organisation in Organisation.objects.select_related("parent").order_by("pk"):
            start = (
                Affiliation.objects.filter(organisation=organisation)
                .values_list("start", flat=True)
                .first()
            )
            self.assert_logged(
                organisation,
                "organisation.created",
                federation_events.created(organisation, start),
                organisation.pk,
            )
        for payer in Payer.objects.all():
            self.assert_logged(
                payer, "payer.created", benefits_events.payer_created(payer), payer.owner_id
            )
        for package in BenefitPackage.objects.all():
            created = self.assert_logged(
                package,
                "package.created",
                benefits_events.package_created(package),
                package.owner_id,
            )
            for version in package.versions.order_by("valid_from"):
                added = self.assert_logged(
                    version,
                    "package.version_added",
                    benefits_events.version_added(version),
                    package.owner_id,
                )
                self.assertGreater(added.sequence, created.sequence)

    def test_the_register_is_logged_as_its_services_log_it(self):
        households = Household.objects.select_related("package").order_by("pk")
        for household in [*households[:SOME], *households.filter(resigned_on__isnull=False)]:
            members = household.beneficiaries.filter(enrolled_on=household.enrolled_on).order_by(
                "member_number"
            )
            self.assert_logged(
                household,
                "household.enrolled",
                membership_events.enrolled(household, str(household.package.uid), members),
                household.mutual_id,
            )
        for household in households.filter(resigned_on__isnull=False):
            self.assert_logged(
                household,
                "household.resigned",
                membership_events.resigned(household),
                household.mutual_id,
            )
        people = Beneficiary.objects.select_related("household").order_by("pk")
        added = [b for b in people if b.enrolled_on > b.household.enrolled_on]
        self.assertTrue(added)
        for beneficiary in added:
            self.assert_logged(
                beneficiary,
                "beneficiary.added",
                membership_events.added(beneficiary, str(beneficiary.household.uid)),
                beneficiary.mutual_id,
            )
        for beneficiary in people.filter(left_on__isnull=False)[:SOME]:
            self.assert_logged(
                beneficiary,
                "beneficiary.left",
                membership_events.left(beneficiary),
                beneficiary.mutual_id,
            )

    def test_payments_are_logged_as_save_payment_logs_them_by_whoever_recorded_them(self):
        cashier = User.objects.get(username="cashier")
        payments = Payment.objects.select_related("recorded_by").order_by("pk")
        chosen = [
            *payments.filter(household__isnull=False)[:SOME],
            *payments.filter(payer__isnull=False)[:SOME],
            *payments.filter(recorded_by=cashier)[:SOME],
        ]
        self.assertEqual(len(chosen), 3 * SOME)
        for payment in chosen:
            self.assert_logged(
                payment,
                "payment.recorded",
                contributions_events.payment_event(
                    payment, list(payment.allocations.order_by("pk"))
                ),
                payment.mutual_id,
                payment.recorded_by,
            )

    def test_the_daily_job_finds_every_third_payer_s_share_recognised_already(self):
        """The demo recognised each share as the daily job would have (contributions.daily);
        the job, run today, finds nothing to add, and each row has its event."""
        for mutual in Organisation.objects.filter(kind="mutual"):
            self.assertEqual(
                receivables_recognise(by=None, mutual=mutual, on=timezone.localdate()), []
            )
        payers = dict(Payer.objects.values_list("pk", "uid"))
        for receivable in Receivable.objects.all()[:SOME]:
            self.assert_logged(
                receivable,
                "receivable.recognised",
                contributions_events.receivable_from(receivable, payers[receivable.payer_id]),
                receivable.mutual_id,
            )

    def test_the_daily_job_finds_every_member_s_share_recognised_already(self):
        """The demo recognised each household's member share of each period begun as the daily
        job would have, on the day it fell due; the job, run today, finds nothing to add."""
        for mutual in Organisation.objects.filter(kind="mutual"):
            self.assertEqual(dues_recognise(by=None, mutual=mutual, on=timezone.localdate()), [])
        self.assertTrue(Due.objects.exists())
        dues = list(Due.objects.all()[:SOME])
        households = household_grids(due.household_id for due in dues)
        for due in dues:
            uid, grid = households[due.household_id]
            self.assert_logged(
                due,
                "dues.recognised",
                contributions_events.due_from(due, uid, grid.end(due.period_start)),
                due.mutual_id,
            )

    def test_letters_and_reviews_are_logged_as_letter_issue_and_claim_review_log_them(self):
        manager = User.objects.get(username="manager")
        for letter in GuaranteeLetter.objects.select_related("beneficiary", "provider"):
            self.assert_logged(
                letter,
                "letter.issued",
                claims_events.letter_issued(letter),
                letter.mutual_id,
                manager if letter.issued_by_id == manager.pk else None,
            )
        reviewed = Claim.objects.filter(reviewed_at__isnull=False).select_related("reviewed_by")
        self.assertTrue(reviewed.exists())
        for claim in reviewed:
            self.assertEqual(claim.status, ClaimStatus.DECIDED)
            submitted = event_of(claim, claims_events.SUBMITTED)
            review = self.assert_logged(
                claim,
                claims_events.REVIEWED,
                claims_events.reviewed(claim),
                claim.mutual_id,
                claim.reviewed_by,
            )
            self.assertGreater(review.sequence, submitted.sequence)

    def test_each_mutual_s_log_follows_the_calendar(self):
        """The register's, the payments', the letters' and the claims' events of a mutual come
        in the order of their days, and a beneficiary is registered before any event names
        them."""
        for mutual in Organisation.objects.filter(kind="mutual"):
            last = datetime.date.min
            registered = set()
            for kind, payload in (
                Event.objects.filter(organisation_id=mutual.pk)
                .order_by("sequence")
                .values_list("kind", "payload")
            ):
                if kind in DAY:
                    day = datetime.date.fromisoformat(payload[DAY[kind]])
                    self.assertGreaterEqual(day, last, (mutual.code, kind, payload))
                    last = day
                if kind == "household.enrolled":
                    registered |= {member["beneficiary"] for member in payload["members"]}
                    registered.add(payload["household"])
                elif kind == "beneficiary.added":
                    registered.add(payload["beneficiary"])
                elif "beneficiary" in payload:
                    self.assertIn(payload["beneficiary"], registered, kind)
                elif kind.startswith("payment.") and payload["household"]:
                    self.assertIn(payload["household"], registered, kind)
