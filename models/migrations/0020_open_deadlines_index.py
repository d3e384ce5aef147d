"""0020 open_deadlines_index: an index on deadline(done_at, due_at) — issue 15, speed.

models.start_pages.open_steps finds a person's nearest open steps: the open deadlines (done_at empty)
from now in due order. With only deadline(due_at) and deadline(done_at) the database judged the 500
deadlines nearest now and sorted them (at 100 000 cases nearly all of them open: 15-20 ms a start
page on SQLite); with this index it walks the open ones in due order and stops at the steps it shows
(about 2 ms). Frozen: edit only by hand with care."""

SQL = {
    'sqlite': [
        'CREATE INDEX "deadline_done_at_due_at" ON "deadline" ("done_at", "due_at")',
    ],
    'postgresql': [
        'CREATE INDEX "deadline_done_at_due_at" ON "deadline" ("done_at", "due_at")',
    ],
}
