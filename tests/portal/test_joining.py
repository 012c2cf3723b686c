"""Joining the network (docs/public-site.md): a visitor applies, confirms their address by the
mailed link, and an editor of the network accepts (an account, a link to choose its password)
or refuses with a reason; robots and floods are turned away and change nothing."""

import re
import time

import pytest
from django.core import mail as django_mail
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from mutualis.core import mail
from mutualis.core.models import AuditEntry, Event, Mail
from mutualis.federation.models import Organisation, User
from mutualis.federation.rules import Role
from mutualis.federation.services import organisation_create, user_create
from mutualis.portal import services
from mutualis.portal.models import Application, Document
from mutualis.portal.views import SHOWN_SALT

GOOD = {
    "first_name": "Awa",
    "last_name": "Ndiaye",
    "email": "awa.ndiaye@example.org",
    "organisation_name": "Mutuelle de santé de Joal",
    "country": "SN",
    "function": "Présidente",
    "motivation": "Partager les études de notre mutuelle.",
    "consent": "on",
}


@pytest.fixture(autouse=True)
def reads_english(client, settings):
    """The pages in English, as the messages the tests read (French is the default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def network(db):
    return organisation_create(
        by=None,
        kind=Organisation.Kind.SUPPORT_STRUCTURE,
        parent=None,
        code="CONCERTATION",
        name="Concertation entre les acteurs de la mutualité en Afrique",
        support_type="ngo",
    )


@pytest.fixture
def network_editor(network):
    return user_create(
        by=None, username="network-editor", organisation=network, roles=[Role.PORTAL_EDITOR]
    )


def shown(seconds_ago: float = 60) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=SHOWN_SALT)


def apply(client, address="192.0.2.10", **changes):
    data = {**GOOD, "shown": shown(), **changes}
    return client.post(reverse("portal:join"), data, REMOTE_ADDR=address)


def written() -> tuple:
    return (
        Application.objects.count(),
        Mail.objects.count(),
        AuditEntry.objects.count(),
        Event.objects.count(),
        User.objects.count(),
    )


def sent_to(address: str) -> list:
    mail.send_waiting()
    return [message for message in django_mail.outbox if message.to == [address]]


def link_in(message, name: str) -> str:
    found = re.search(r"https?://\S+", message.body)
    assert found, message.body
    path = found.group(0).split("://", 1)[1].split("/", 1)[1]
    assert f"/{path}".startswith(reverse(name, kwargs=KWARGS[name])[:20]), path
    return "/" + path


KWARGS = {
    "portal:join-confirm": {"token": "x"},
    "portal:join-password": {"uidb64": "x", "token": "x"},
}


def confirmed(client) -> Application:
    """An application just sent and confirmed by the link of the last mail."""
    apply(client)
    message = sent_to(GOOD["email"])[-1]
    client.post(link_in(message, "portal:join-confirm"))
    return Application.objects.order_by("pk").last()


def test_a_visitor_applies_and_confirms_their_address_by_the_mailed_link(client, network):
    response = apply(client)

    assert response.status_code == 302 and response.url == reverse("portal:join-sent")
    application = Application.objects.get()
    assert application.state == "unconfirmed" and application.owner == network
    assert application.client == "192.0.2.10"
    (message,) = sent_to(GOOD["email"])
    link = link_in(message, "portal:join-confirm")
    # opening the link (a mail reader looking at it) confirms nothing; the button does
    assert "Confirm my application" in client.get(link).content.decode()
    assert Application.objects.get().state == "unconfirmed"
    client.post(link)
    application.refresh_from_db()
    assert application.state == "waiting" and application.confirmed_at is not None
    assert set(
        Event.objects.filter(
            organisation_id=network.pk, kind__startswith="application."
        ).values_list("kind", flat=True)
    ) == {"application.received", "application.confirmed"}


def test_a_forged_or_damaged_confirmation_link_is_refused(client, network):
    apply(client)
    page = client.post(reverse("portal:join-confirm", kwargs={"token": "forged"}))
    assert page.status_code == 404 and "not valid" in page.content.decode()
    assert Application.objects.get().state == "unconfirmed"


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("first_name", "", "Given name is required."),
        ("last_name", "  ", "Family name is required."),
        ("email", "", "E-mail is required."),
        ("email", "awa@", "E-mail must be an e-mail address"),
        ("organisation_name", "", "Organisation is required."),
        ("function", "x" * 121, "Function holds 121 characters; at most 120 are allowed."),
        ("motivation", "", "Why you wish to join is required."),
        ("country", "", "Country is required."),
        ("country", "XX", "Country: XX is not a country of the list."),
        ("consent", "", "Accept the directory's rules"),
    ],
)
def test_a_wrong_field_is_named_with_its_rule_and_nothing_is_written(
    client, network, field, value, said
):
    before = written()
    page = apply(client, **{field: value})
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert any(said in message for message in errors[field]), errors
    assert written() == before
    # what was typed is kept
    if field != "first_name":
        assert 'value="Awa"' in page.content.decode()


def test_the_field_people_do_not_see_turns_a_robot_away_as_if_it_had_succeeded(client, network):
    before = written()
    response = apply(client, website="http://spam.example")
    assert response.status_code == 302 and response.url == reverse("portal:join-sent")
    assert written() == before


@pytest.mark.parametrize(
    ("signed", "said"),
    [
        (lambda: shown(1), "wait at least 5 seconds"),
        (lambda: shown(3 * 24 * 3600), "has expired"),
        (lambda: "1700000000.0", "has expired"),
        (lambda: "", "has expired"),
    ],
)
def test_a_form_sent_too_fast_or_with_a_forged_time_changes_nothing(client, network, signed, said):
    before = written()
    page = apply(client, shown=signed())
    assert page.status_code == 200
    assert any(said in error for error in page.context["form"].non_field_errors())
    assert written() == before
    # the form shown again carries a fresh time, to be sent as it is
    assert page.context["form"].data["shown"] != signed()


def test_an_address_sends_so_many_applications_an_hour_and_everyone_so_many_a_day(
    client, network, settings
):
    settings.MUTUALIS_SIGNUPS_PER_HOUR = 2
    settings.MUTUALIS_SIGNUPS_PER_DAY = 3
    for number in range(2):
        assert apply(client, email=f"a{number}@example.org").status_code == 302
    before = written()
    page = apply(client, email="a3@example.org")
    assert "2 applications were sent from your network in the last hour" in str(
        page.context["form"].non_field_errors()
    )
    assert written() == before
    # another address may still apply, until the day's limit for everyone
    assert apply(client, "198.51.100.7", email="b@example.org").status_code == 302
    page = apply(client, "203.0.113.9", email="c@example.org")
    assert "as many applications today" in str(page.context["form"].non_field_errors())
    assert Application.objects.count() == 3


def test_a_known_address_gets_the_same_answer_and_no_second_account(client, network, cast):
    member = cast[Role.CASHIER]
    member.email = GOOD["email"]
    member.save()
    users = User.objects.count()

    application = confirmed(client)

    assert application.state == "closed"
    told = sent_to(GOOD["email"])[-1]
    assert "already belongs to an account" in told.body
    assert User.objects.count() == users


def test_a_second_application_while_one_waits_is_closed_at_confirmation(client, network):
    first = confirmed(client)
    apply(client)
    second = Application.objects.exclude(pk=first.pk).get()
    message = sent_to(GOOD["email"])[-1]
    client.post(link_in(message, "portal:join-confirm"))
    second.refresh_from_db()
    assert (first.state, second.state) == ("waiting", "closed")


def test_an_editor_of_the_network_accepts_and_the_member_chooses_a_password(
    client, network, network_editor
):
    application = confirmed(client)
    client.force_login(network_editor)
    page = client.get(reverse("portal:application-review", kwargs={"pk": application.pk}))
    assert "Awa" in page.content.decode()

    client.post(
        reverse("portal:application-review", kwargs={"pk": application.pk}),
        {"action": "accept", "organisation": network.pk},
    )

    application.refresh_from_db()
    member = application.account
    assert application.state == "accepted" and application.decided_by == network_editor
    assert member.is_active and member.organisation == network and not member.roles
    assert member.username == GOOD["email"] and not member.has_usable_password()
    assert AuditEntry.objects.filter(object_id=str(member.pk), action="create").exists()
    assert Event.objects.filter(kind="application.accepted", subject=application.uid).exists()
    client.logout()
    message = sent_to(GOOD["email"])[-1]
    link = link_in(message, "portal:join-password")
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Mutuelle-De-Joal-2026", "new_password2": "Mutuelle-De-Joal-2026"},
    )
    signed_in = client.post(
        reverse("login"), {"username": GOOD["email"], "password": "Mutuelle-De-Joal-2026"}
    )
    assert signed_in.status_code == 302 and client.session.get("_auth_user_id") == str(member.pk)
    # saved as every password is: audited as the member's own change
    assert AuditEntry.objects.filter(
        object_id=member.pk, actor=member, action="update", changes__has_key="password"
    ).exists()
    client.logout()
    # the link served once
    assert not client.get(link, follow=True).context["validlink"]
    # a member proposes a document in the name of their organisation
    services.document_propose(
        by=member,
        owner=network,
        details=services.DocumentDetails(
            kind="study", title="Notre étude", language="fr", link="https://example.org/e"
        ),
        upload=None,
    )
    assert Document.objects.get().status == "proposed"


def test_an_editor_refuses_with_a_reason_mailed_to_the_applicant(client, network, network_editor):
    application = confirmed(client)
    client.force_login(network_editor)
    url = reverse("portal:application-review", kwargs={"pk": application.pk})
    before = written()
    page = client.post(url, {"action": "refuse", "reason": "  "})
    assert page.context["refuse"].errors["reason"]
    assert written() == before

    client.post(url, {"action": "refuse", "reason": "Votre structure n'est pas une mutuelle."})

    application.refresh_from_db()
    assert application.state == "refused" and application.account is None
    told = sent_to(GOOD["email"])[-1]
    assert "Votre structure n'est pas une mutuelle." in told.body
    # answered once: a second decision is refused
    with pytest.raises(ValidationError) as refused:
        services.application_accept(
            by=network_editor, application=application, organisation=network
        )
    assert "application" in refused.value.message_dict


def test_only_the_editors_whose_scope_holds_the_network_answer(client, network, cast):
    application = confirmed(client)
    url = reverse("portal:application-review", kwargs={"pk": application.pk})
    assert client.get(url).url.startswith("/login/")
    client.force_login(cast[Role.CASHIER])
    assert client.get(url).status_code == 403
    # an editor of a mutual does not see the network's applications
    client.force_login(cast[Role.PORTAL_EDITOR])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "accept", "organisation": network.pk}).status_code == 404
    assert application.__class__.objects.get().state == "waiting"


def test_the_account_goes_only_to_an_organisation_of_the_editors_scope(
    client, network, network_editor, federation
):
    application = confirmed(client)
    with pytest.raises(ValidationError) as refused:
        services.application_accept(
            by=network_editor, application=application, organisation=federation.m1
        )
    assert "This organisation is outside your scope." in refused.value.message_dict["organisation"]
    assert not User.objects.filter(email=GOOD["email"]).exists()


def test_an_address_taken_by_an_account_since_it_applied_gets_no_second(
    client, network, network_editor, cast
):
    application = confirmed(client)
    cast[Role.CASHIER].email = GOOD["email"].upper()
    cast[Role.CASHIER].save()
    before = written()
    with pytest.raises(ValidationError) as refused:
        services.application_accept(
            by=network_editor, application=application, organisation=network
        )
    assert "no second is made" in refused.value.message_dict["application"][0]
    assert written() == before


def test_the_editors_list_shows_the_applications_waiting(client, network, network_editor):
    confirmed(client)
    client.force_login(network_editor)
    page = client.get(reverse("portal:applications")).content.decode()
    assert "Awa Ndiaye" in page and "Mutuelle de santé de Joal" in page


def test_a_client_without_an_address_counts_only_against_the_limit_for_everyone(
    client, network, settings
):
    settings.MUTUALIS_SIGNUPS_PER_HOUR = 1
    for number in range(2):
        assert apply(client, "", email=f"s{number}@example.org").status_code == 302
    assert list(Application.objects.values_list("client", flat=True)) == [None, None]
