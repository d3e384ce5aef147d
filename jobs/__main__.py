"""The Huey consumer: `python -m jobs` (used by `make run` and the deployment)."""
import logging
import os

from huey.consumer_options import ConsumerConfig


def main() -> None:
    import jobs
    from portal import create_app

    jobs.init_app(create_app())
    config = ConsumerConfig(workers=int(os.environ.get("PORTAL_HUEY_WORKERS", "2")), worker_type="thread",
                            periodic=True, check_worker_health=True)
    config.validate()
    config.setup_logger(logging.getLogger("huey"))
    jobs.huey.create_consumer(**config.values).run()


if __name__ == "__main__":
    main()
