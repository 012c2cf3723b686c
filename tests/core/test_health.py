def test_health_reports_the_database_state(client, db):
    response = client.get("/health")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["reachable"] is True
    assert body["database"]["pending_migrations"] == 0
    # each consumer of the event log, how far behind it is
    assert body["consumers"] == [
        {"name": name, "events_waiting": 0, "oldest_waiting_seconds": 0, "stopped_logs": 0}
        for name in ("books", "indicators", "flash-news-mail")
    ]
    # each daily job and the last day it finished: never yet on a new installation
    assert body["daily"] == [
        {"name": "password reset requests", "last_run": None},
        {"name": "receivables", "last_run": None},
        {"name": "dues", "last_run": None},
        {"name": "indicators", "last_run": None},
        {"name": "alert digests", "last_run": None},
        {"name": "newsletter sign-ups", "last_run": None},
    ]


def test_health_gives_the_last_day_each_daily_job_finished(client, db):
    import datetime

    from mutualis.core.daily import run_due

    run_due(day=datetime.date(2026, 3, 2))
    assert client.get("/health").json()["daily"] == [
        {"name": "password reset requests", "last_run": "2026-03-02"},
        {"name": "receivables", "last_run": "2026-03-02"},
        {"name": "dues", "last_run": "2026-03-02"},
        {"name": "indicators", "last_run": "2026-03-02"},
        {"name": "alert digests", "last_run": "2026-03-02"},
        {"name": "newsletter sign-ups", "last_run": "2026-03-02"},
    ]
