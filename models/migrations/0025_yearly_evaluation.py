"""0025 yearly_evaluation: the yearly evaluation of §4.1 — models.evaluation.

- New table yearly_evaluation: one per year; the evaluation meeting planned and held, the lessons
  and the agreements with the clerk's office and the organisation (encrypted), whether the
  organisation was invited, and the date of the yearly informal meeting on impact (date only).
  Its two reminders are deadlines of no case (0018 lets deadline.case_id be empty).

The CREATE TABLE statements are the ones models.migrations.create_table_sql writes for
YearlyEvaluation. Frozen: edit only by hand with care."""

SQL = {
    'sqlite': [
        'CREATE TABLE "yearly_evaluation" ("id" INTEGER NOT NULL PRIMARY KEY, "year" INTEGER NOT NULL, "planned_on" DATE, "held_on" DATE, "lessons" TEXT, "agreements" TEXT, "organisation_invited" INTEGER NOT NULL, "informal_meeting_on" DATE, "updated_by_id" INTEGER, "updated_at" DATETIME, FOREIGN KEY ("updated_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE UNIQUE INDEX "yearly_evaluation_year" ON "yearly_evaluation" ("year")',
        'CREATE INDEX "yearly_evaluation_updated_by_id" ON "yearly_evaluation" ("updated_by_id")',
    ],
    'postgresql': [
        'CREATE TABLE "yearly_evaluation" ("id" SERIAL NOT NULL PRIMARY KEY, "year" INTEGER NOT NULL, "planned_on" DATE, "held_on" DATE, "lessons" TEXT, "agreements" TEXT, "organisation_invited" BOOLEAN NOT NULL, "informal_meeting_on" DATE, "updated_by_id" INTEGER, "updated_at" TIMESTAMP, FOREIGN KEY ("updated_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE UNIQUE INDEX "yearly_evaluation_year" ON "yearly_evaluation" ("year")',
        'CREATE INDEX "yearly_evaluation_updated_by_id" ON "yearly_evaluation" ("updated_by_id")',
    ],
}
