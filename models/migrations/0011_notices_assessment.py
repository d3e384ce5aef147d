"""0011 notices assessment: the labour inspectorate only for a serious incident a handler assessed
(§6.4), and an acute, serious threat with its protection measures (models.protection).

- New table inspectorate_assessment (models.notices.InspectorateAssessment): a handler's assessment
  (reportable with the criteria that apply, or not with the reason) and the notice given (when, by
  whom, the inspectorate's reference).
- New tables acute_threat and protection_measure (models.protection).
- Data: each notice 'inspectorate' a handler recorded becomes a reportable assessment by that
  handler, with the criteria the report's answers gave, notified on that day (the time, the name
  of who warned and the reference were not kept: midnight, NULL, NULL); the notice row goes, the
  case event stays. An inspectorate deadline still open for a case whose report has no hospital
  admission and no lasting harm or death stops now: such injuries wait for a handler's assessment.

The DDL is frozen here by hand (the statements `flask --app app make-migration` writes for the
three tables). The test suite runs every `up` again on an emptied PostgreSQL database, so each
step looks first whether it is still to do.
"""

DDL = {
    "sqlite": [
        'CREATE TABLE "inspectorate_assessment" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "number" INTEGER NOT NULL, "reportable" INTEGER NOT NULL, "criteria" VARCHAR(120) NOT NULL, "reason" TEXT, "known_at" DATETIME, "assessed_by_id" INTEGER NOT NULL, "assessed_at" DATETIME NOT NULL, "notified_at" DATETIME, "notified_by" TEXT, "notice_reference" VARCHAR(64), "notice_recorded_by_id" INTEGER, "superseded_at" DATETIME, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("assessed_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("notice_recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "inspectorate_assessment_case_id" ON "inspectorate_assessment" ("case_id")',
        'CREATE INDEX "inspectorate_assessment_assessed_by_id" ON "inspectorate_assessment" ("assessed_by_id")',
        'CREATE INDEX "inspectorate_assessment_notice_recorded_by_id" ON "inspectorate_assessment" ("notice_recorded_by_id")',
        'CREATE UNIQUE INDEX "inspectorate_assessment_case_id_number" ON "inspectorate_assessment" ("case_id", "number")',
        'CREATE TABLE "acute_threat" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "marked_at" DATETIME NOT NULL, "marked_by_id" INTEGER NOT NULL, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("marked_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE UNIQUE INDEX "acute_threat_case_id" ON "acute_threat" ("case_id")',
        'CREATE INDEX "acute_threat_marked_by_id" ON "acute_threat" ("marked_by_id")',
        'CREATE TABLE "protection_measure" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "description" TEXT NOT NULL, "involved" TEXT NOT NULL, "starts_on" DATE NOT NULL, "ends_on" DATE, "recorded_by_id" INTEGER NOT NULL, "recorded_at" DATETIME NOT NULL, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "protection_measure_case_id" ON "protection_measure" ("case_id")',
        'CREATE INDEX "protection_measure_recorded_by_id" ON "protection_measure" ("recorded_by_id")',
    ],
    "postgresql": [
        'CREATE TABLE "inspectorate_assessment" ("id" SERIAL NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "number" INTEGER NOT NULL, "reportable" BOOLEAN NOT NULL, "criteria" VARCHAR(120) NOT NULL, "reason" TEXT, "known_at" TIMESTAMP, "assessed_by_id" INTEGER NOT NULL, "assessed_at" TIMESTAMP NOT NULL, "notified_at" TIMESTAMP, "notified_by" TEXT, "notice_reference" VARCHAR(64), "notice_recorded_by_id" INTEGER, "superseded_at" TIMESTAMP, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("assessed_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("notice_recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "inspectorate_assessment_case_id" ON "inspectorate_assessment" ("case_id")',
        'CREATE INDEX "inspectorate_assessment_assessed_by_id" ON "inspectorate_assessment" ("assessed_by_id")',
        'CREATE INDEX "inspectorate_assessment_notice_recorded_by_id" ON "inspectorate_assessment" ("notice_recorded_by_id")',
        'CREATE UNIQUE INDEX "inspectorate_assessment_case_id_number" ON "inspectorate_assessment" ("case_id", "number")',
        'CREATE TABLE "acute_threat" ("id" SERIAL NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "marked_at" TIMESTAMP NOT NULL, "marked_by_id" INTEGER NOT NULL, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("marked_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE UNIQUE INDEX "acute_threat_case_id" ON "acute_threat" ("case_id")',
        'CREATE INDEX "acute_threat_marked_by_id" ON "acute_threat" ("marked_by_id")',
        'CREATE TABLE "protection_measure" ("id" SERIAL NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "description" TEXT NOT NULL, "involved" TEXT NOT NULL, "starts_on" DATE NOT NULL, "ends_on" DATE, "recorded_by_id" INTEGER NOT NULL, "recorded_at" TIMESTAMP NOT NULL, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "protection_measure_case_id" ON "protection_measure" ("case_id")',
        'CREATE INDEX "protection_measure_recorded_by_id" ON "protection_measure" ("recorded_by_id")',
    ],
}

_TABLES = ("inspectorate_assessment", "acute_threat", "protection_measure")

_NOTICES = '''
SELECT n."id", n."case_id", n."done_on", n."done_by_id", n."recorded_at",
  c."injury_physical", c."injury_mental", c."hospital_admission", c."serious_harm"
FROM "notice" n JOIN "case" c ON c."id" = n."case_id"
WHERE n."kind" = 'inspectorate'
  AND NOT EXISTS (SELECT 1 FROM "inspectorate_assessment" a WHERE a."case_id" = n."case_id")
ORDER BY n."id"
'''

_STOP_CLOCKS = '''
UPDATE "deadline" SET "done_at" = {param}
WHERE "kind" = 'inspectorate' AND "done_at" IS NULL
  AND "case_id" IN (SELECT c."id" FROM "case" c WHERE NOT c."hospital_admission" AND NOT c."serious_harm")
'''


def up(database, dialect):
    import datetime

    if not database.table_exists("inspectorate_assessment"):
        statements = DDL[dialect]
        for statement in statements:
            database.execute_sql(statement)
    elif not all(database.table_exists(table) for table in _TABLES):
        raise RuntimeError("0011: some of its tables exist, others not")
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    param = database.param
    insert = (
        'INSERT INTO "inspectorate_assessment" ("case_id", "number", "reportable", "criteria", "reason", "known_at", '
        '"assessed_by_id", "assessed_at", "notified_at", "notified_by", "notice_reference", "notice_recorded_by_id", '
        '"superseded_at") '
        f"VALUES ({param}, 1, {param}, {param}, NULL, NULL, {param}, {param}, {param}, NULL, NULL, {param}, NULL)"
    )
    for notice_id, case_id, done_on, done_by, recorded_at, physical, mental, hospital, harm in database.execute_sql(
        _NOTICES
    ).fetchall():
        criteria = [
            code
            for code, given in (
                ("physical_injury", physical),
                ("mental_injury", mental),
                ("hospital_admission", hospital),
                ("lasting_harm", harm),
            )
            if given
        ]
        if isinstance(done_on, str):  # SQLite hands back the stored text
            done_on = datetime.date.fromisoformat(done_on[:10])
        notified_at = datetime.datetime.combine(done_on, datetime.time())
        database.execute_sql(
            insert, (case_id, True, ",".join(criteria), done_by, recorded_at or now, notified_at, done_by)
        )
        database.execute_sql(f'DELETE FROM "notice" WHERE "id" = {param}', (notice_id,))
    database.execute_sql(_STOP_CLOCKS.format(param=param), (now,))
