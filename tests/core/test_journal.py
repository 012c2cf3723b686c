"""The audit trail read from the event log (issue 13, part 3): an organisation's journal names
who, when and what, one entry per changed object even in a batch, each subject by its uid, a
change with its values before and after; in the reader's scope only."""

import datetime

from mutualis.claims.models import ReviewPolicy
from mutualis.claims.services import ClaimInput, LineInput, claims_submit
from mutualis.federation.rules import Role
from mutualis.membership.services import beneficiary_update
from tests.claims.conftest import care  # noqa: F401 - the claims' cast

D = datetime.date


def journal_of(client, user, organisation, **query):
    client.force_login(user)
    return client.get(f"/organisations/{organisation.pk}/journal/", query)


def test_a_batch_of_claims_reads_as_one_entry_per_claim(client, care, federation, cast):  # noqa: F811
    ReviewPolicy.objects.create(owner=federation.national, sample_bp=0, review_adjusted=False)
    claims = claims_submit(
        [
            ClaimInput(
                member_number=who.member_number,
                provider_code="PS-JOAL",
                provider_reference=reference,
                service_from=D(2025, 3, 10),
                service_to=None,
                lines=(LineInput("CS-PS", 1, 1000),),
            )
            for who, reference in ((care.moussa, "J-1"), (care.awa, "J-2"))
        ],
        channel="upload",
        actor=None,
        scope_prefix="/",
        today=D(2025, 3, 20),
    ).claims

    page = journal_of(client, cast[Role.MUTUAL_MANAGER], federation.m1).content.decode()

    assert page.count("<strong>Demande décidée à la soumission</strong>") == 2
    for claim in claims:
        assert str(claim.uid) in page
    assert "800\xa0FCFA" in page  # what the mutual pays, in the mutual's currency
    about_one = journal_of(
        client, cast[Role.MUTUAL_MANAGER], federation.m1, subject=str(claims[0].uid)
    ).content.decode()
    assert str(claims[0].uid) in about_one and str(claims[1].uid) not in about_one


def test_a_change_reads_with_its_values_before_and_after(client, family, federation, cast):
    awa = family.beneficiaries.get(first_name="Awa")
    beneficiary_update(by=cast[Role.MUTUAL_MANAGER], beneficiary=awa, first_name="Awa Marie")

    page = journal_of(
        client, cast[Role.MUTUAL_MANAGER], federation.m1, kind="beneficiary.changed"
    ).content.decode()

    assert "Bénéficiaire modifié" in page
    assert "«\xa0prénom\xa0» de Awa en Awa Marie" in page
    assert "duplicate" not in page  # a technical field means nothing to a reader
    assert "<strong>Ménage inscrit</strong>" not in page  # only the kind asked for


def test_the_journal_is_read_in_the_readers_scope_only(client, family, federation, cast):
    manager = cast[Role.MUTUAL_MANAGER]  # of M1
    assert journal_of(client, manager, federation.m2).status_code == 404
    assert journal_of(client, cast[Role.CASHIER], federation.m1).status_code == 403
    officer = journal_of(client, cast[Role.UNION_OFFICER], federation.m1)
    assert officer.status_code == 200


def test_older_events_come_a_page_at_a_time(client, family, federation, cast):
    from mutualis.core.journal import PAGE

    awa = family.beneficiaries.get(first_name="Awa")
    for n in range(PAGE + 5):
        beneficiary_update(by=None, beneficiary=awa, phone=f"+221 77 000 {n:04d}"[:17])
    first = journal_of(client, cast[Role.MUTUAL_MANAGER], federation.m1)
    older = first.context["older"]
    assert len(first.context["entries"]) == PAGE and older
    second = journal_of(client, cast[Role.MUTUAL_MANAGER], federation.m1, before=older)
    numbers = [e.sequence for e in first.context["entries"] + second.context["entries"]]
    assert numbers == sorted(set(numbers), reverse=True)  # no entry twice, none skipped
    assert numbers[-1] == 1
