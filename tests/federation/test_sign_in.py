from mutualis.federation.services import user_create


def test_a_user_signs_in_and_lands_on_the_home_page(client, federation):
    user_create(
        by=None,
        username="moussa",
        organisation=federation.m1,
        roles=["cashier"],
        password="Moussa-Fall-2026",
    )
    response = client.post("/login/", {"username": "moussa", "password": "Moussa-Fall-2026"})
    assert response.status_code == 302
    assert response.url == "/"
    assert "Mutuelle de santé de Joal" in client.get("/").content.decode()


def test_sign_in_is_locked_after_five_failures(client, federation):
    user_create(
        by=None,
        username="moussa",
        organisation=federation.m1,
        roles=["cashier"],
        password="Moussa-Fall-2026",
    )
    for _attempt in range(5):
        client.post("/login/", {"username": "moussa", "password": "wrong"})
    response = client.post("/login/", {"username": "moussa", "password": "Moussa-Fall-2026"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_session_cookie_is_secure_and_hidden_from_scripts(client, federation):
    user_create(
        by=None,
        username="moussa",
        organisation=federation.m1,
        roles=["cashier"],
        password="Moussa-Fall-2026",
    )
    response = client.post("/login/", {"username": "moussa", "password": "Moussa-Fall-2026"})
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]
