"""0017 meetings: a disrupted meeting (§5), kept during the meeting by the chair or the clerk.

New tables meeting, disrupter and order_to_leave (models.meetings): the meeting record with the
livestream stopped, the police called and the decision on a police report; each disrupter with the
case filed for them; each order to leave with its time and the token a tap was sent with (stored once).
The CREATE TABLE statements are the ones models.migrations.create_table_sql writes. Frozen: edit only
by hand with care."""

SQL = {
    'sqlite': [
        'CREATE TABLE "meeting" ("id" INTEGER NOT NULL PRIMARY KEY, "title" VARCHAR(200) NOT NULL, "held_at" DATETIME NOT NULL, "chair_id" INTEGER NOT NULL, "started_by_id" INTEGER NOT NULL, "started_at" DATETIME NOT NULL, "livestream_stopped_at" DATETIME, "livestream_stopped_by_id" INTEGER, "police_called_at" DATETIME, "police_called_by_id" INTEGER, "police_report_decision" VARCHAR(16), "decided_with" TEXT, "decided_at" DATETIME, "decided_by_id" INTEGER, "closed_at" DATETIME, "closed_by_id" INTEGER, FOREIGN KEY ("chair_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("started_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("livestream_stopped_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("police_called_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("closed_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "meeting_chair_id" ON "meeting" ("chair_id")',
        'CREATE INDEX "meeting_started_by_id" ON "meeting" ("started_by_id")',
        'CREATE INDEX "meeting_livestream_stopped_by_id" ON "meeting" ("livestream_stopped_by_id")',
        'CREATE INDEX "meeting_police_called_by_id" ON "meeting" ("police_called_by_id")',
        'CREATE INDEX "meeting_decided_by_id" ON "meeting" ("decided_by_id")',
        'CREATE INDEX "meeting_closed_by_id" ON "meeting" ("closed_by_id")',
        'CREATE TABLE "disrupter" ("id" INTEGER NOT NULL PRIMARY KEY, "meeting_id" INTEGER NOT NULL, "description" TEXT NOT NULL, "name" TEXT, "behaviours" VARCHAR(500) NOT NULL, "trespass_at" DATETIME, "case_id" INTEGER, "added_by_id" INTEGER, "added_at" DATETIME NOT NULL, FOREIGN KEY ("meeting_id") REFERENCES "meeting" ("id") ON DELETE CASCADE, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE SET NULL, FOREIGN KEY ("added_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "disrupter_meeting_id" ON "disrupter" ("meeting_id")',
        'CREATE INDEX "disrupter_case_id" ON "disrupter" ("case_id")',
        'CREATE INDEX "disrupter_added_by_id" ON "disrupter" ("added_by_id")',
        'CREATE TABLE "order_to_leave" ("id" INTEGER NOT NULL PRIMARY KEY, "disrupter_id" INTEGER NOT NULL, "at" DATETIME NOT NULL, "token" VARCHAR(64) NOT NULL, "recorded_by_id" INTEGER, FOREIGN KEY ("disrupter_id") REFERENCES "disrupter" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "order_to_leave_disrupter_id" ON "order_to_leave" ("disrupter_id")',
        'CREATE UNIQUE INDEX "order_to_leave_token" ON "order_to_leave" ("token")',
        'CREATE INDEX "order_to_leave_recorded_by_id" ON "order_to_leave" ("recorded_by_id")',
    ],
    'postgresql': [
        'CREATE TABLE "meeting" ("id" SERIAL NOT NULL PRIMARY KEY, "title" VARCHAR(200) NOT NULL, "held_at" TIMESTAMP NOT NULL, "chair_id" INTEGER NOT NULL, "started_by_id" INTEGER NOT NULL, "started_at" TIMESTAMP NOT NULL, "livestream_stopped_at" TIMESTAMP, "livestream_stopped_by_id" INTEGER, "police_called_at" TIMESTAMP, "police_called_by_id" INTEGER, "police_report_decision" VARCHAR(16), "decided_with" TEXT, "decided_at" TIMESTAMP, "decided_by_id" INTEGER, "closed_at" TIMESTAMP, "closed_by_id" INTEGER, FOREIGN KEY ("chair_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("started_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("livestream_stopped_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("police_called_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("closed_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "meeting_chair_id" ON "meeting" ("chair_id")',
        'CREATE INDEX "meeting_started_by_id" ON "meeting" ("started_by_id")',
        'CREATE INDEX "meeting_livestream_stopped_by_id" ON "meeting" ("livestream_stopped_by_id")',
        'CREATE INDEX "meeting_police_called_by_id" ON "meeting" ("police_called_by_id")',
        'CREATE INDEX "meeting_decided_by_id" ON "meeting" ("decided_by_id")',
        'CREATE INDEX "meeting_closed_by_id" ON "meeting" ("closed_by_id")',
        'CREATE TABLE "disrupter" ("id" SERIAL NOT NULL PRIMARY KEY, "meeting_id" INTEGER NOT NULL, "description" TEXT NOT NULL, "name" TEXT, "behaviours" VARCHAR(500) NOT NULL, "trespass_at" TIMESTAMP, "case_id" INTEGER, "added_by_id" INTEGER, "added_at" TIMESTAMP NOT NULL, FOREIGN KEY ("meeting_id") REFERENCES "meeting" ("id") ON DELETE CASCADE, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE SET NULL, FOREIGN KEY ("added_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "disrupter_meeting_id" ON "disrupter" ("meeting_id")',
        'CREATE INDEX "disrupter_case_id" ON "disrupter" ("case_id")',
        'CREATE INDEX "disrupter_added_by_id" ON "disrupter" ("added_by_id")',
        'CREATE TABLE "order_to_leave" ("id" SERIAL NOT NULL PRIMARY KEY, "disrupter_id" INTEGER NOT NULL, "at" TIMESTAMP NOT NULL, "token" VARCHAR(64) NOT NULL, "recorded_by_id" INTEGER, FOREIGN KEY ("disrupter_id") REFERENCES "disrupter" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "order_to_leave_disrupter_id" ON "order_to_leave" ("disrupter_id")',
        'CREATE UNIQUE INDEX "order_to_leave_token" ON "order_to_leave" ("token")',
        'CREATE INDEX "order_to_leave_recorded_by_id" ON "order_to_leave" ("recorded_by_id")',
    ],
}
