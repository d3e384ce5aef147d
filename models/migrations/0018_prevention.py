"""0018 prevention: the council term, its briefing and trainings (§4.1), the new council in one go.

- deadline.case_id may be empty: the term's briefing is a deadline of no case (models.deadlines).
  SQLite cannot drop NOT NULL, so its table is rebuilt with the same columns and indexes.
- New tables council_term, prevention_session, session_attendance, group_membership (models.prevention).

The CREATE TABLE statements are the ones models.migrations.create_table_sql writes. Frozen: edit only by hand with care."""

SQL = {
    "sqlite": [
        'DROP INDEX "deadline_case_id"',
        'DROP INDEX "deadline_due_at"',
        'DROP INDEX "deadline_remind_at"',
        'DROP INDEX "deadline_escalate_at"',
        'DROP INDEX "deadline_done_at"',
        'ALTER TABLE "deadline" RENAME TO "deadline_old"',
        'CREATE TABLE "deadline" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER, "kind" VARCHAR(32) NOT NULL, "object_id" INTEGER, "due_at" DATETIME NOT NULL, "remind_at" DATETIME NOT NULL, "escalate_at" DATETIME, "remind_roles" VARCHAR(200) NOT NULL, "escalate_roles" VARCHAR(200) NOT NULL, "reminded_at" DATETIME, "escalated_at" DATETIME, "done_at" DATETIME, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE)',
        'INSERT INTO "deadline" ("id", "case_id", "kind", "object_id", "due_at", "remind_at", "escalate_at", "remind_roles", "escalate_roles", "reminded_at", "escalated_at", "done_at") SELECT "id", "case_id", "kind", "object_id", "due_at", "remind_at", "escalate_at", "remind_roles", "escalate_roles", "reminded_at", "escalated_at", "done_at" FROM "deadline_old"',
        'DROP TABLE "deadline_old"',
        'CREATE INDEX "deadline_case_id" ON "deadline" ("case_id")',
        'CREATE INDEX "deadline_due_at" ON "deadline" ("due_at")',
        'CREATE INDEX "deadline_remind_at" ON "deadline" ("remind_at")',
        'CREATE INDEX "deadline_escalate_at" ON "deadline" ("escalate_at")',
        'CREATE INDEX "deadline_done_at" ON "deadline" ("done_at")',
        'CREATE TABLE "council_term" ("id" INTEGER NOT NULL PRIMARY KEY, "starts_on" DATE NOT NULL, "ends_on" DATE NOT NULL, "created_by_id" INTEGER, "created_at" DATETIME NOT NULL, FOREIGN KEY ("created_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "council_term_created_by_id" ON "council_term" ("created_by_id")',
        'CREATE TABLE "prevention_session" ("id" INTEGER NOT NULL PRIMARY KEY, "term_id" INTEGER NOT NULL, "kind" VARCHAR(32) NOT NULL, "held_on" DATE NOT NULL, "recorded_by_id" INTEGER, "recorded_at" DATETIME NOT NULL, FOREIGN KEY ("term_id") REFERENCES "council_term" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "prevention_session_term_id" ON "prevention_session" ("term_id")',
        'CREATE INDEX "prevention_session_recorded_by_id" ON "prevention_session" ("recorded_by_id")',
        'CREATE TABLE "session_attendance" ("id" INTEGER NOT NULL PRIMARY KEY, "session_id" INTEGER NOT NULL, "user_id" INTEGER NOT NULL, FOREIGN KEY ("session_id") REFERENCES "prevention_session" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "session_attendance_session_id" ON "session_attendance" ("session_id")',
        'CREATE INDEX "session_attendance_user_id" ON "session_attendance" ("user_id")',
        'CREATE UNIQUE INDEX "session_attendance_session_id_user_id" ON "session_attendance" ("session_id", "user_id")',
        'CREATE TABLE "group_membership" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "party_group" VARCHAR(200) NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE UNIQUE INDEX "group_membership_user_id" ON "group_membership" ("user_id")',
    ],
    "postgresql": [
        'ALTER TABLE "deadline" ALTER COLUMN "case_id" DROP NOT NULL',
        'CREATE TABLE "council_term" ("id" SERIAL NOT NULL PRIMARY KEY, "starts_on" DATE NOT NULL, "ends_on" DATE NOT NULL, "created_by_id" INTEGER, "created_at" TIMESTAMP NOT NULL, FOREIGN KEY ("created_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "council_term_created_by_id" ON "council_term" ("created_by_id")',
        'CREATE TABLE "prevention_session" ("id" SERIAL NOT NULL PRIMARY KEY, "term_id" INTEGER NOT NULL, "kind" VARCHAR(32) NOT NULL, "held_on" DATE NOT NULL, "recorded_by_id" INTEGER, "recorded_at" TIMESTAMP NOT NULL, FOREIGN KEY ("term_id") REFERENCES "council_term" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "prevention_session_term_id" ON "prevention_session" ("term_id")',
        'CREATE INDEX "prevention_session_recorded_by_id" ON "prevention_session" ("recorded_by_id")',
        'CREATE TABLE "session_attendance" ("id" SERIAL NOT NULL PRIMARY KEY, "session_id" INTEGER NOT NULL, "user_id" INTEGER NOT NULL, FOREIGN KEY ("session_id") REFERENCES "prevention_session" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "session_attendance_session_id" ON "session_attendance" ("session_id")',
        'CREATE INDEX "session_attendance_user_id" ON "session_attendance" ("user_id")',
        'CREATE UNIQUE INDEX "session_attendance_session_id_user_id" ON "session_attendance" ("session_id", "user_id")',
        'CREATE TABLE "group_membership" ("id" SERIAL NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "party_group" VARCHAR(200) NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE UNIQUE INDEX "group_membership_user_id" ON "group_membership" ("user_id")',
    ],
}
