"""What a user and the server's log see of a refused or missing page: the site's own page in the
user's language, and one line in the log."""

import logging

import pytest

from mutualis.federation.rules import Role


@pytest.mark.parametrize(
    ("language", "title"), [("fr", "Page introuvable"), ("en", "Page not found")]
)
def test_an_unknown_address_answers_the_sites_own_page_in_the_users_language(
    client, language, title
):
    client.cookies["django_language"] = language
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in response.content.decode()


def test_a_refused_access_is_one_line_in_the_log(client, cast, caplog):
    client.force_login(cast[Role.CASHIER])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/users/")
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.status_code == 403
    assert record.exc_info is None and record.exc_text is None
    assert "\n" not in caplog.text.strip()


def test_a_server_error_keeps_its_traceback(caplog):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            logger.error("Internal Server Error: /x/", exc_info=True, extra={"status_code": 500})
    assert caplog.records[-1].exc_info is not None
