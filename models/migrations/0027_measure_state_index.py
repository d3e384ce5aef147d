"""0027 measure_state_index: measure(state, type, case_id), so that the start pages' lists of measures
waiting for a decision or for the security officer's advice (models.start_pages) read the proposed
measures from an index instead of every measure ever taken. Without it both databases scanned the whole
measure table on every handler's start page, which grows with every decided and ended measure.

Frozen: edit only by hand with care."""

SQL = {
    "sqlite": [
        'CREATE INDEX "measure_state_type_case_id" ON "measure" ("state", "type", "case_id")',
    ],
    "postgresql": [
        'CREATE INDEX "measure_state_type_case_id" ON "measure" ("state", "type", "case_id")',
    ],
}
