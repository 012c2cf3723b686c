from mutualis.federation.models import User


def test_a_user_without_an_organisation_is_refused_with_the_reason(client, federation, admin):
    client.force_login(admin)
    response = client.post(
        "/users/new/",
        {"username": "khady", "roles": ["cashier"], "first_name": "Khady", "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert "Khady" in response.content.decode()
    assert not User.objects.filter(username="khady").exists()


def test_an_administrator_creates_a_user_with_roles(client, federation, admin):
    client.force_login(admin)
    response = client.post(
        "/users/new/",
        {
            "username": "khady",
            "first_name": "Khady",
            "last_name": "Sarr",
            "organisation": federation.m1.pk,
            "roles": ["cashier", "enrolment_agent"],
            "is_active": "on",
            "password": "Khady-Sarr-2026!",
        },
    )
    user = User.objects.get(username="khady")
    assert response.status_code == 302
    assert user.roles == {"cashier", "enrolment_agent"}
    assert user.check_password("Khady-Sarr-2026!")


def test_an_administrator_changes_a_password_twice_typed(client, federation, cast, admin):
    client.force_login(admin)
    cashier = cast["cashier"]
    response = client.post(
        f"/users/{cashier.pk}/password/",
        {"password": "Un-Mot-De-Passe-1", "confirmation": "Autre-Chose-2"},
    )
    assert response.context["form"].errors["confirmation"]
    response = client.post(
        f"/users/{cashier.pk}/password/",
        {"password": "Un-Mot-De-Passe-1", "confirmation": "Un-Mot-De-Passe-1"},
    )
    assert response.status_code == 302
    cashier.refresh_from_db()
    assert cashier.check_password("Un-Mot-De-Passe-1")
