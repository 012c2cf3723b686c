import time

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mutualis.core.access import public
from mutualis.core.consumers import lags
from mutualis.core.daily import declared as declared_daily
from mutualis.core.daily import last_runs

_schema_known_current = False


def pending_migrations() -> int:
    # Reading the migration graph takes tens of milliseconds: once the schema was found
    # current it stays so for the life of the process (migrations run before a restart).
    global _schema_known_current
    if _schema_known_current:
        return 0
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _schema_known_current = pending == 0
    return pending


@public
@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and operators: is the database reachable, and is its schema current?"""
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = pending_migrations()
        # a consumer behind or stopped does not take the site down: it is reported
        work = lags() if pending == 0 else []
        daily = last_runs() if pending == 0 else {}
    except DatabaseError as error:
        return JsonResponse(
            {"status": "error", "database": {"vendor": connection.vendor, "error": str(error)}},
            status=503,
        )
    latency_ms = round((time.perf_counter() - started) * 1000, 2)
    status = "ok" if pending == 0 else "migrations_pending"
    return JsonResponse(
        {
            "status": status,
            "database": {
                "vendor": connection.vendor,
                "reachable": True,
                "latency_ms": latency_ms,
                "pending_migrations": pending,
            },
            "consumers": [
                {
                    "name": lag.consumer,
                    "events_waiting": lag.events,
                    "oldest_waiting_seconds": (
                        round((timezone.now() - lag.oldest).total_seconds()) if lag.oldest else 0
                    ),
                    "stopped_logs": len(lag.failing),
                }
                for lag in work
            ],
            # the last day each daily job finished: a day behind means the worker is not running
            "daily": [
                {
                    "name": job.name,
                    "last_run": daily[job.name].isoformat() if job.name in daily else None,
                }
                for job in declared_daily()
            ],
        },
        status=200 if pending == 0 else 503,
    )
