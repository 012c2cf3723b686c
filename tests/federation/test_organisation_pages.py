import re

from django.db import connection

from mutualis.core.models import AuditEntry
from mutualis.federation.models import Organisation
from mutualis.federation.rules import Kind
from mutualis.federation.services import organisation_create, user_create
from tests.conftest import make_mutual

FORM = {
    "kind": Kind.MUTUAL,
    "code": "M7",
    "name": "Mutuelle de santé de Nguékhokh",
    "status": "active",
    "mutual_type": "community",
    "currency": "XOF",
    "founded_on": "2014-05-02",
}


def test_an_officer_creates_a_mutual_under_their_union(client, federation, cast):
    client.force_login(cast["union_officer"])
    response = client.post("/organisations/new/", {**FORM, "parent": federation.d1.pk})
    mutual = Organisation.objects.get(code="M7")
    assert response.status_code == 302
    assert response.url == f"/organisations/{mutual.pk}/"
    assert mutual.parent == federation.d1
    assert mutual.founded_on.isoformat() == "2014-05-02"


def test_a_duplicate_code_is_refused_and_the_form_keeps_what_was_typed(client, federation, cast):
    client.force_login(cast["union_officer"])
    response = client.post(
        "/organisations/new/", {**FORM, "code": "M1", "parent": federation.d1.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nguékhokh" in page  # what the user typed is still there
    assert re.search(r'class="error"[^>]*>[^<]*code', page, re.IGNORECASE)
    assert not Organisation.objects.filter(name=FORM["name"]).exists()


def test_a_parent_outside_the_scope_is_not_an_option(client, federation, cast):
    client.force_login(cast["union_officer"])
    response = client.post("/organisations/new/", {**FORM, "parent": federation.d2.pk})
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Organisation.objects.filter(code="M7").exists()


def test_a_mutual_under_a_mutual_is_refused_with_the_rule(client, federation, cast):
    client.force_login(cast["union_officer"])
    response = client.post("/organisations/new/", {**FORM, "parent": federation.m1.pk})
    assert "parent" in response.context["form"].errors


def test_moving_a_union_under_its_own_member_is_refused(client, federation, cast):
    head = cast["system_admin"]
    client.force_login(head)
    mutual_parent = make_mutual(federation.d1, "M8", "Mutuelle test")
    response = client.post(
        f"/organisations/{mutual_parent.pk}/move/",
        {"new_parent": federation.d1.pk, "on": "2030-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    audit_moves = AuditEntry.objects.filter(action="move").count()
    assert audit_moves == 0


def test_a_manager_edits_their_mutual(client, federation, cast):
    client.force_login(cast["mutual_manager"])
    response = client.post(
        f"/organisations/{federation.m1.pk}/edit/",
        {
            "code": "M1",
            "name": "Mutuelle de santé de Joal",
            "status": "active",
            "mutual_type": "community",
            "currency": "XOF",
            "phone": "+221 77 123 45 67",
        },
    )
    assert response.status_code == 302
    federation.m1.refresh_from_db()
    assert federation.m1.phone == "+221 77 123 45 67"


def test_the_list_filters_by_name_and_kind(client, federation, cast):
    client.force_login(cast["union_officer"])
    response = client.get("/organisations/", {"q": "joal", "kind": Kind.MUTUAL})
    names = [organisation.name for organisation in response.context["page"]]
    assert names == ["Mutuelle de santé de Joal"]


def test_the_list_takes_the_same_number_of_queries_for_many_rows(
    client, federation, cast, django_assert_max_num_queries
):
    client.force_login(cast["union_officer"])
    for index in range(40):
        make_mutual(federation.d1, f"X{index}", f"Mutuelle {index}")
    with django_assert_max_num_queries(8):
        response = client.get("/organisations/")
    assert response.status_code == 200
    assert len(response.context["page"]) == 42


def test_the_tree_opens_a_branch_with_htmx(client, federation, cast):
    client.force_login(cast["union_officer"])
    response = client.get(
        f"/organisations/{federation.d1.pk}/children/", headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert "Mutuelle de santé de Joal" in page
    assert "<html" not in page


def test_pages_load_nothing_from_another_site(client, federation, cast):
    client.force_login(cast["union_officer"])
    response = client.get("/organisations/tree/")
    page = response.content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def next_organisation_id_is(number: int) -> None:
    table = Organisation._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, number - 1]
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [number - 1, table]
            )


def test_links_carry_identifiers_unlocalized(client, federation, admin):
    # given an organisation whose number a French page would write "12 345"
    next_organisation_id_is(12345)
    union = organisation_create(
        by=None, kind=Kind.DEPARTMENTAL_UNION, parent=federation.r1, code="D9", name="UD Tivaouane"
    )
    assert union.pk == 12345
    head = user_create(
        by=None, username="head", organisation=federation.national, roles=["system_admin"]
    )
    client.force_login(head)
    page = client.get(f"/organisations/{union.pk}/").content.decode()
    assert "?parent=12345" in page
    assert "?organisation=12345" in page
