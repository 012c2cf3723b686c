"""Migration 0003 splits the former `refused` of stored claims between what the member owes and
what the provider may not bill, as well as the stored lines allow."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mutualis.claims.models import Claim, ClaimLine

BEFORE = [("claims", "0002_initial")]
AFTER = [("claims", "0003_three_parts")]
DAY = datetime.date(2025, 3, 10)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_stored_claims_are_split_into_three_parts_by_their_reasons_and_tariffs(care):
    # given claims stored before the split: mutual share, co-payment and refused
    old = migrate(BEFORE)
    OldClaim, OldLine = old.get_model("claims", "Claim"), old.get_model("claims", "ClaimLine")
    moussa, agreement = care.moussa, care.agreements["PS-JOAL"]

    def claim(reference, lines):
        asked = sum(line[3] for line in lines)
        found = OldClaim.objects.create(
            mutual_id=moussa.mutual_id,
            beneficiary_id=moussa.pk,
            provider_id=care.post.pk,
            provider_reference=reference,
            service_from=DAY,
            service_to=DAY,
            agreement_id=agreement.pk,
            payer_id=agreement.party_id,
            channel="clerk",
            submitted_on=DAY,
            status="decided",
            asked=asked,
            mutual_share=sum(line[5] for line in lines),
            copay=sum(line[6] for line in lines),
            refused=sum(line[7] for line in lines),
        )
        for position, (
            item,
            quantity,
            price,
            asked,
            outcome,
            paid,
            copay,
            refused,
            reasons,
        ) in enumerate(lines, start=1):
            OldLine.objects.create(
                mutual_id=moussa.mutual_id,
                claim=found,
                position=position,
                item_code=item.code,
                item_id=item.pk,
                service_category=item.service_category,
                service_date=DAY,
                quantity=quantity,
                unit_price=price,
                asked=asked,
                outcome=outcome,
                reasons=reasons,
                mutual_share=paid,
                copay=copay,
                refused=refused,
            )
        return found.pk

    paid = claim(
        "M-1",
        [
            (care.consultation, 1, 1000, 1000, "approved", 800, 200, 0, ""),
            (care.paracetamol, 10, 30, 300, "adjusted", 200, 50, 50, "above_tariff"),
        ],
    )
    rejected = claim(
        "M-2",
        [
            (care.consultation, 1, 1000, 1000, "rejected", 0, 0, 1000, "duplicate"),
            (care.paracetamol, 10, 30, 300, "rejected", 0, 0, 300, "waiting_period"),
        ],
    )
    # when the migration runs
    migrate(AFTER)
    # then above the tariff and a billing fault are the provider's, the rest the member's
    parts = ("mutual_share", "member_share", "provider_loss", "copay")
    lines = ClaimLine.objects.order_by("claim_id", "position").values_list(*parts)
    assert list(lines) == [
        (800, 200, 0, 200),
        (200, 50, 50, 50),
        (0, 0, 1000, 0),
        (0, 250, 50, 0),  # the member's rights, at the tariff; above it the provider's
    ]
    assert Claim.objects.filter(pk=paid).values_list(*parts).get() == (1000, 250, 50, 250)
    assert Claim.objects.filter(pk=rejected).values_list(*parts).get() == (0, 250, 1050, 0)
