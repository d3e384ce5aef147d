"""0009 police reports: a case can hold several police reports (§6.2, §6.4), each with what it is
about, the police station, the day the OM was informed, and the feedback given to the victim.

- police_report: the unique index on case_id becomes a plain one (several reports per case); new
  columns subject (existing reports: the incident itself), police_station (existing: not kept, ''),
  prosecutor_informed_on (existing: not kept, NULL; the case's notice still says whether the OM knew).
- New table police_feedback (models.police.PoliceFeedback): one row per moment the victim was told
  how a report stands. Existing feedback (the case events police/feedback, from when a case held one
  report) becomes rows with who gave it; the stand told was not kept (NULL).

Written by hand: the ALTERs for the existing table; the CREATE statements are those
`flask --app app make-migration` writes for PoliceFeedback."""

_BACKFILL = (
    'INSERT INTO "police_feedback" ("report_id", "given_at", "given_by_id", "status") '
    'SELECT r."id", e."at", e."actor_id", NULL FROM "case_event" e '
    'JOIN "police_report" r ON r."case_id" = e."case_id" '
    "WHERE e.\"kind\" = 'police' AND e.\"detail\" = 'feedback' ORDER BY e.\"at\", e.\"id\""
)

SQL = {
    "sqlite": [
        'DROP INDEX "police_report_case_id"',
        'CREATE INDEX "police_report_case_id" ON "police_report" ("case_id")',
        "ALTER TABLE \"police_report\" ADD COLUMN \"subject\" VARCHAR(24) NOT NULL DEFAULT 'incident'",
        "ALTER TABLE \"police_report\" ADD COLUMN \"police_station\" VARCHAR(120) NOT NULL DEFAULT ''",
        'ALTER TABLE "police_report" ADD COLUMN "prosecutor_informed_on" DATE',
        'CREATE TABLE "police_feedback" ("id" INTEGER NOT NULL PRIMARY KEY, "report_id" INTEGER NOT NULL, "given_at" DATETIME NOT NULL, "given_by_id" INTEGER, "status" VARCHAR(24), FOREIGN KEY ("report_id") REFERENCES "police_report" ("id") ON DELETE CASCADE, FOREIGN KEY ("given_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "police_feedback_report_id" ON "police_feedback" ("report_id")',
        'CREATE INDEX "police_feedback_given_by_id" ON "police_feedback" ("given_by_id")',
        _BACKFILL,
    ],
    "postgresql": [
        'DROP INDEX "police_report_case_id"',
        'CREATE INDEX "police_report_case_id" ON "police_report" ("case_id")',
        "ALTER TABLE \"police_report\" ADD COLUMN \"subject\" VARCHAR(24) NOT NULL DEFAULT 'incident'",
        "ALTER TABLE \"police_report\" ADD COLUMN \"police_station\" VARCHAR(120) NOT NULL DEFAULT ''",
        'ALTER TABLE "police_report" ADD COLUMN "prosecutor_informed_on" DATE',
        'CREATE TABLE "police_feedback" ("id" SERIAL NOT NULL PRIMARY KEY, "report_id" INTEGER NOT NULL, "given_at" TIMESTAMP NOT NULL, "given_by_id" INTEGER, "status" VARCHAR(24), FOREIGN KEY ("report_id") REFERENCES "police_report" ("id") ON DELETE CASCADE, FOREIGN KEY ("given_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "police_feedback_report_id" ON "police_feedback" ("report_id")',
        'CREATE INDEX "police_feedback_given_by_id" ON "police_feedback" ("given_by_id")',
        _BACKFILL,
    ],
}
