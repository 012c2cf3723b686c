"""The federation's and the packages' changes append their events (issue 13): in the log of the
organisation they are about, or of the package's owner."""

import datetime

from django.utils import timezone

from mutualis.core.models import Event


def kinds(organisation) -> list[str]:
    return list(
        Event.objects.filter(organisation_id=organisation.pk)
        .order_by("sequence")
        .values_list("kind", flat=True)
    )


def test_an_organisation_created_changed_and_moved_tells_its_log(federation):
    from mutualis.federation.services import organisation_move, organisation_update

    organisation_update(by=None, organisation=federation.m1, name="Mutuelle de Joal-Fadiouth")
    moved_on = timezone.localdate() + datetime.timedelta(days=1)
    organisation_move(by=None, organisation=federation.m1, new_parent=federation.d2, on=moved_on)
    assert kinds(federation.m1) == [
        "organisation.created",
        "organisation.changed",
        "organisation.moved",
    ]
    created, changed, moved = Event.objects.filter(organisation_id=federation.m1.pk).order_by(
        "sequence"
    )
    assert created.payload["parent"] == str(federation.d1.uid)
    assert changed.payload["changes"]["name"][1] == "Mutuelle de Joal-Fadiouth"
    assert (moved.payload["from"], moved.payload["to"], moved.payload["on"]) == (
        str(federation.d1.uid),
        str(federation.d2.uid),
        moved_on.isoformat(),
    )


def test_a_package_and_its_versions_tell_their_owners_log(federation, cmu_package, state):
    version_added = Event.objects.get(kind="package.version_added")
    assert kinds(federation.national)[-2:] == ["package.created", "package.version_added"]
    terms = version_added.payload
    assert terms["package"] == str(cmu_package.uid)
    assert terms["terms"]["contribution"] == 7000
    assert {(s["payer"], s["category"], s["share_bp"]) for s in terms["subsidies"]} == {
        (str(state.uid), "", 5000),
        (str(state.uid), "indigent", 10000),
    }
    assert terms["waiting_days_by_service"] == {"childbirth": 270}
    assert len(terms["coverage"]) == 2
