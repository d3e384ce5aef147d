"""The Huey consumer: `python -m jobs` (used by `make run` and the deployment). It builds no web app: the
database, clock, content key and queue come from the same settings the web app reads (models.config)."""

import logging

from huey.consumer_options import ConsumerConfig

import jobs
import jobs.tasks  # registers the tasks and their schedule
from models import clock, crypto
from models.config import load_config
from models.db import init_database


def main() -> None:
    config = load_config()
    clock.configure(config["TIMEZONE"])
    crypto.configure(config["CONTENT_KEY"])
    init_database(config["DATABASE_URL"])
    jobs.configure(config)
    consumer = ConsumerConfig(
        workers=config["HUEY_WORKERS"], worker_type="thread", periodic=True, check_worker_health=True
    )
    consumer.validate()
    for name in ("huey", "veilig_bestuur"):  # the queue's log and the tasks' own (models, jobs)
        consumer.setup_logger(logging.getLogger(name))
    jobs.huey.create_consumer(**consumer.values).run()


if __name__ == "__main__":
    main()
