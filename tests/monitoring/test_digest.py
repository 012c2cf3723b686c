"""The alerts' digest by e-mail: sent once a month from the 16th to each subscriber, once only,
the others sent when one address fails, which is tried again the next day."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend

from mutualis.federation.rules import Role
from mutualis.federation.services import user_create
from mutualis.monitoring.catalogue import Thresholds
from mutualis.monitoring.digest import send_digests
from mutualis.monitoring.models import DigestSent
from mutualis.monitoring.services import alerts_subscribe, alerts_unsubscribe, threshold_set
from tests.claims.conftest import care  # noqa: F401 - the claims' cast
from tests.monitoring.test_dashboard import treated  # noqa: F401 - three visits in March 2025
from tests.settlements.conftest import bill, no_review  # noqa: F401 - claims decided at once

D = datetime.date
APRIL_16 = D(2025, 4, 16)


class RefusingBackend(EmailBackend):
    """A mail server that refuses the addresses of refused.example, as an SMTP server would."""

    def send_messages(self, messages):
        for message in messages:
            if any(address.endswith("@refused.example") for address in message.to):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
        return super().send_messages(messages)


def officer(federation, name, email):
    return user_create(
        by=None,
        username=name,
        organisation=federation.national,
        roles=[Role.UNION_OFFICER],
        email=email,
    )


@pytest.fixture
def alarming(federation, treated):  # noqa: F811
    """The national union holds fewer than 10 visits a year per beneficiary an alarm: M1's
    March (three visits for four beneficiaries) is one."""
    threshold_set(
        by=None, union=federation.national, indicator="USE", bounds=Thresholds(alarm_below=1000)
    )


def test_the_digest_lists_the_month_s_alerts_once(federation, alarming, settings):
    settings.MUTUALIS_SITE_URL = "https://mutualis.example.sn"
    awa = officer(federation, "awa", "awa@union.example")
    alerts_subscribe(by=awa, organisation=federation.national)
    assert send_digests(D(2025, 4, 15)).startswith("digests wait")
    assert mail.outbox == []
    send_digests(APRIL_16)
    (message,) = mail.outbox
    assert message.to == ["awa@union.example"]
    assert federation.national.name in message.subject
    assert federation.m1.name in message.body
    assert f"https://mutualis.example.sn/monitoring/{federation.national.pk}/" in message.body
    assert federation.m1.name in message.alternatives[0][0]
    # the next day, nothing again
    send_digests(D(2025, 4, 17))
    assert len(mail.outbox) == 1
    assert DigestSent.objects.get().alerts >= 1


def test_an_address_that_fails_does_not_stop_the_others(federation, alarming, settings):
    settings.EMAIL_BACKEND = "tests.monitoring.test_digest.RefusingBackend"
    refused = officer(federation, "moussa", "moussa@refused.example")
    fine = officer(federation, "fatou", "fatou@union.example")
    for user in (refused, fine):
        alerts_subscribe(by=user, organisation=federation.national)
    said = send_digests(APRIL_16)
    assert "1 sent, 1 to try again" in said
    assert [m.to for m in mail.outbox] == [["fatou@union.example"]]
    # the address corrected, the next day's run sends the one left, and only it
    refused.email = "moussa@union.example"
    refused.save()
    send_digests(D(2025, 4, 17))
    assert [m.to for m in mail.outbox] == [["fatou@union.example"], ["moussa@union.example"]]


def test_subscribing_needs_an_address_and_the_scope(federation, cast):
    with pytest.raises(ValidationError) as refused:
        alerts_subscribe(by=officer(federation, "sans", ""), organisation=federation.national)
    assert "email" in refused.value.message_dict
    d1_officer = cast[Role.UNION_OFFICER]
    d1_officer.email = "d1@union.example"
    d1_officer.save()
    with pytest.raises(ValidationError) as refused:
        alerts_subscribe(by=d1_officer, organisation=federation.national)
    assert "organisation" in refused.value.message_dict


def test_the_dashboard_subscribes_and_stops(client, federation):
    awa = officer(federation, "awa", "awa@union.example")
    client.force_login(awa)
    url = f"/monitoring/{federation.national.pk}/subscription/"
    assert client.post(url, {"subscribe": "1"}).status_code == 302
    send_digests(APRIL_16)
    assert len(mail.outbox) == 1
    assert client.post(url, {"subscribe": "0"}).status_code == 302
    alerts_unsubscribe(by=awa, organisation=federation.national)  # twice is harmless
    send_digests(D(2025, 5, 16))
    assert len(mail.outbox) == 1
