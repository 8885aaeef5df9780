"""``surveyapp worker``: runs the background jobs queued in Redis (``SURVEYAPP_REDIS_URL``)."""

from __future__ import annotations

import click
from flask import current_app

from ..extensions import db
from ..services.jobs import delete_old_jobs, queue, queue_name, redis_connection, rq_module, set_worker_app
from .common import fail


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--simple", is_flag=True,
              help="Run each job in this process instead of a forked one (platforms without fork).")
def command(burst: bool, simple: bool) -> None:
    """Run background jobs (Excel exports) from the Redis queue."""
    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        fail("SURVEYAPP_REDIS_URL is not set: without Redis the web processes run the jobs themselves.")
    rq = rq_module(app)
    connection = redis_connection(app)
    try:
        connection.ping()
    except Exception as exc:  # noqa: BLE001 - say what is wrong and stop
        fail(f"Redis does not answer at {app.config['REDIS_URL']}: {exc}")
    set_worker_app(app)
    deleted = delete_old_jobs()
    db.session.remove()
    db.engine.dispose()
    click.echo(f"surveyapp worker on queue {queue_name(app)} ({deleted} old jobs deleted)")
    kind = rq.SimpleWorker if simple else rq.Worker
    kind([queue(app)], connection=connection).work(burst=burst)
