"""Claims and their lines split the amount asked into three parts: what the mutual pays, what
the member owes, what the provider may not bill. The former `refused` is split between the last
two as well as the stored lines allow: a rejected line is the provider's loss when one of its
reasons is about the provider's billing, else the member's; the part of a line above the agreed
tariff (found from the agreement's version in force on the claim's first day) is the provider's
loss; the rest is the member's."""

import django.db.models.expressions
from django.db import migrations, models

BILLING_REASONS = {
    "duplicate",
    "unknown_item",
    "not_in_agreement",
    "no_agreement",
    "agreement_expired",
    "submitted_late",
    "future_date",
    "referral_missing",
    "not_justified",
    "medical_advisor",
}


def tariff_finder(apps):
    AgreementVersion = apps.get_model("providers", "AgreementVersion")
    Tariff = apps.get_model("providers", "Tariff")
    versions = {}
    for pk, agreement, valid_from in AgreementVersion.objects.values_list(
        "pk", "agreement_id", "valid_from"
    ):
        versions.setdefault(agreement, []).append((valid_from, pk))
    prices = {
        (version, item): price
        for version, item, price in Tariff.objects.values_list("version_id", "item_id", "price")
    }

    def tariff(agreement, day, item):
        in_force = [pk for start, pk in sorted(versions.get(agreement, ())) if start <= day]
        return prices.get((in_force[-1], item)) if in_force else None

    return tariff


def split_refused(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    ClaimLine = apps.get_model("claims", "ClaimLine")
    tariff = tariff_finder(apps)
    changed = []
    lines = ClaimLine.objects.select_related("claim").order_by("pk")
    for line in lines.iterator(chunk_size=2000):
        reasons = set(filter(None, line.reasons.split(",")))
        line.member_share, line.provider_loss = line.copay + line.refused, 0
        rejected = line.outcome == "rejected"
        if rejected:
            line.copay = 0
        if rejected and reasons & BILLING_REASONS:
            line.member_share, line.provider_loss = 0, line.refused
        elif (rejected or "above_tariff" in reasons) and line.item_id is not None:
            price = tariff(line.claim.agreement_id, line.claim.service_from, line.item_id)
            if price is not None and price < line.unit_price:
                loss = line.quantity * (line.unit_price - price)
                if loss <= line.refused:
                    line.member_share, line.provider_loss = line.member_share - loss, loss
        changed.append(line)
        if len(changed) >= 2000:
            ClaimLine.objects.bulk_update(
                changed, ["member_share", "provider_loss", "copay"], batch_size=500
            )
            changed = []
    ClaimLine.objects.bulk_update(
        changed, ["member_share", "provider_loss", "copay"], batch_size=500
    )
    totals = {}
    for claim, member, loss, copay in ClaimLine.objects.values_list(
        "claim_id", "member_share", "provider_loss", "copay"
    ).iterator(chunk_size=5000):
        found = totals.setdefault(claim, [0, 0, 0])
        found[0] += member
        found[1] += loss
        found[2] += copay
    claims = []
    for claim in Claim.objects.order_by("pk").iterator(chunk_size=2000):
        claim.member_share, claim.provider_loss, claim.copay = totals.get(claim.pk, (0, 0, 0))
        claims.append(claim)
        if len(claims) >= 2000:
            Claim.objects.bulk_update(
                claims, ["member_share", "provider_loss", "copay"], batch_size=500
            )
            claims = []
    Claim.objects.bulk_update(claims, ["member_share", "provider_loss", "copay"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_initial"),
        ("providers", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="claim", name="claim_parts_add_up"),
        migrations.RemoveConstraint(model_name="claimline", name="claim_line_parts_add_up"),
        migrations.AddField(
            model_name="claim",
            name="member_share",
            field=models.PositiveBigIntegerField(default=0, verbose_name="owed by the member"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claim",
            name="provider_loss",
            field=models.PositiveBigIntegerField(
                default=0, verbose_name="not billable by the provider"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claimline",
            name="member_share",
            field=models.PositiveBigIntegerField(default=0, verbose_name="owed by the member"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="claimline",
            name="provider_loss",
            field=models.PositiveBigIntegerField(
                default=0, verbose_name="not billable by the provider"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(split_refused, migrations.RunPython.noop),
        migrations.RemoveField(model_name="claim", name="refused"),
        migrations.RemoveField(model_name="claimline", name="refused"),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("member_share__gte", 0),
                    ("mutual_share__gte", 0),
                    ("provider_loss__gte", 0),
                    (
                        "asked",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                models.F("mutual_share"), "+", models.F("member_share")
                            ),
                            "+",
                            models.F("provider_loss"),
                        ),
                    ),
                ),
                name="claim_three_parts_add_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("copay__lte", models.F("member_share"))),
                name="claim_copay_within_member_share",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("member_share__gte", 0),
                    ("mutual_share__gte", 0),
                    ("provider_loss__gte", 0),
                    (
                        "asked",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                models.F("mutual_share"), "+", models.F("member_share")
                            ),
                            "+",
                            models.F("provider_loss"),
                        ),
                    ),
                ),
                name="claim_line_three_parts_add_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="claimline",
            constraint=models.CheckConstraint(
                condition=models.Q(("copay__lte", models.F("member_share"))),
                name="claim_line_copay_within_member_share",
            ),
        ),
    ]
