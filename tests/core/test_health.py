def test_health_reports_the_database_state(client, db):
    response = client.get("/health")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True
    assert body["database"]["pending_migrations"] == 0
    # each consumer of the event log, how far behind it is (none is declared yet)
    assert body["consumers"] == []
