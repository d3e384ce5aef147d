"""0008 consent: the victim's consent per purpose, with its history (models/consent.py).

- New table consent_record: one row per change (given or withdrawn, when, by whom, how).
- Data: each existing case's consent becomes records. Consent to a police report recorded later by
  a handler (the case event police/consent) is a record at that moment by that handler (how:
  "recorded"; the old panel did not keep whether it was by phone or in person); otherwise consent
  given in the report is a record at the moment of filing by who filed (how: "in_report"). The same
  for consent to inform other office holders (only ever given in the report).
- The columns case.consent_police_report and case.consent_inform_others are dropped: a yes there
  would contradict a later withdrawal, and nothing reads them any more. ALTER TABLE … DROP COLUMN
  needs SQLite 3.35 or later (Debian 12 ships 3.40); neither column is in an index or a constraint,
  so SQLite drops it without rebuilding the table by hand.

The DDL is frozen here by hand (the statements `flask --app app make-migration` writes for
ConsentRecord). The test suite runs every `up` again on an emptied PostgreSQL database, so each
step looks first whether it is still to do.
"""

DDL = {
    "sqlite": [
        'CREATE TABLE "consent_record" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "purpose" VARCHAR(24) NOT NULL, "given" INTEGER NOT NULL, "at" DATETIME NOT NULL, "actor_id" INTEGER NOT NULL, "how" VARCHAR(16) NOT NULL, "recorded_at" DATETIME NOT NULL, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("actor_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "consent_record_case_id" ON "consent_record" ("case_id")',
        'CREATE INDEX "consent_record_actor_id" ON "consent_record" ("actor_id")',
        'CREATE INDEX "consent_record_case_id_purpose_at" ON "consent_record" ("case_id", "purpose", "at")',
    ],
    "postgresql": [
        'CREATE TABLE "consent_record" ("id" SERIAL NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "purpose" VARCHAR(24) NOT NULL, "given" BOOLEAN NOT NULL, "at" TIMESTAMP NOT NULL, "actor_id" INTEGER NOT NULL, "how" VARCHAR(16) NOT NULL, "recorded_at" TIMESTAMP NOT NULL, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("actor_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "consent_record_case_id" ON "consent_record" ("case_id")',
        'CREATE INDEX "consent_record_actor_id" ON "consent_record" ("actor_id")',
        'CREATE INDEX "consent_record_case_id_purpose_at" ON "consent_record" ("case_id", "purpose", "at")',
    ],
}

_CONSENTS = '''
SELECT c."id", c."created_at", c."filed_by_id", c."consent_police_report", c."consent_inform_others",
  (SELECT e."at" FROM "case_event" e WHERE e."case_id" = c."id" AND e."kind" = 'police' AND e."detail" = 'consent'
     AND e."actor_id" IS NOT NULL ORDER BY e."at", e."id" LIMIT 1),
  (SELECT e."actor_id" FROM "case_event" e WHERE e."case_id" = c."id" AND e."kind" = 'police' AND e."detail" = 'consent'
     AND e."actor_id" IS NOT NULL ORDER BY e."at", e."id" LIMIT 1)
FROM "case" c
WHERE c."consent_police_report" OR c."consent_inform_others"
ORDER BY c."id"
'''


def up(database, dialect):
    import datetime

    if not database.table_exists("consent_record"):
        for statement in DDL[dialect]:
            database.execute_sql(statement)
    columns = {c.name for c in database.get_columns("case")}
    if "consent_police_report" not in columns:
        return
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    param = database.param
    insert = (
        'INSERT INTO "consent_record" ("case_id", "purpose", "given", "at", "actor_id", "how", "recorded_at") '
        f"VALUES ({param}, {param}, {param}, {param}, {param}, {param}, {param})"
    )
    for case_id, created_at, filed_by_id, police, others, later_at, later_by in database.execute_sql(
        _CONSENTS
    ).fetchall():
        if police:
            if later_at is not None:
                row = (case_id, "police_report", True, later_at, later_by, "recorded", now)
            else:
                row = (case_id, "police_report", True, created_at, filed_by_id, "in_report", now)
            database.execute_sql(insert, row)
        if others:
            database.execute_sql(insert, (case_id, "inform_others", True, created_at, filed_by_id, "in_report", now))
    for column in ("consent_police_report", "consent_inform_others"):
        database.execute_sql(f'ALTER TABLE "case" DROP COLUMN "{column}"')
