"""0010 measure due process: hoor en wederhoor (§2), the decider's own reasons, objection (bezwaar, Awb) and
violations of a ban (§6.2).

- measure: decision_reasons (the decider's own words, quoted in a ban's letter) and unheard_reason (why it
  was decided without the citizen's side); nullable, so existing measures keep what they had.
- measure_hearing, measure_objection, ban_violation: new tables.

Tables generated with `flask --app app make-migration` (create_table_sql); the two columns by hand.
Frozen: edit only by hand with care."""

SQL = {
    'sqlite': [
        'ALTER TABLE "measure" ADD COLUMN "decision_reasons" TEXT',
        'ALTER TABLE "measure" ADD COLUMN "unheard_reason" TEXT',
        'CREATE TABLE "measure_hearing" ("id" INTEGER NOT NULL PRIMARY KEY, "measure_id" INTEGER NOT NULL, "outcome" VARCHAR(16) NOT NULL, "held_on" DATE NOT NULL, "heard_by" VARCHAR(200) NOT NULL, "account" TEXT, "recorded_by_id" INTEGER NOT NULL, "recorded_at" DATETIME NOT NULL, "token" VARCHAR(32) NOT NULL, FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "measure_hearing_measure_id" ON "measure_hearing" ("measure_id")',
        'CREATE INDEX "measure_hearing_recorded_by_id" ON "measure_hearing" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "measure_hearing_token" ON "measure_hearing" ("token")',
        'CREATE TABLE "measure_objection" ("id" INTEGER NOT NULL PRIMARY KEY, "measure_id" INTEGER NOT NULL, "received_on" DATE NOT NULL, "grounds" TEXT NOT NULL, "recorded_by_id" INTEGER NOT NULL, "recorded_at" DATETIME NOT NULL, "token" VARCHAR(32) NOT NULL, "outcome" VARCHAR(16), "outcome_reasons" TEXT, "decided_by_id" INTEGER, "decided_at" DATETIME, "previous_ends_on" DATE, "previous_description" TEXT, FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "measure_objection_measure_id" ON "measure_objection" ("measure_id")',
        'CREATE INDEX "measure_objection_recorded_by_id" ON "measure_objection" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "measure_objection_token" ON "measure_objection" ("token")',
        'CREATE INDEX "measure_objection_decided_by_id" ON "measure_objection" ("decided_by_id")',
        'CREATE TABLE "ban_violation" ("id" INTEGER NOT NULL PRIMARY KEY, "measure_id" INTEGER NOT NULL, "occurred_at" DATETIME NOT NULL, "location" TEXT NOT NULL, "seen_by" TEXT NOT NULL, "account" TEXT, "police_informed_at" DATETIME, "police_informed_by_id" INTEGER, "police_report_proposal_id" INTEGER, "recorded_by_id" INTEGER NOT NULL, "recorded_at" DATETIME NOT NULL, "token" VARCHAR(32) NOT NULL, FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE, FOREIGN KEY ("police_informed_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("police_report_proposal_id") REFERENCES "measure" ("id") ON DELETE SET NULL, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "ban_violation_measure_id" ON "ban_violation" ("measure_id")',
        'CREATE INDEX "ban_violation_police_informed_by_id" ON "ban_violation" ("police_informed_by_id")',
        'CREATE INDEX "ban_violation_police_report_proposal_id" ON "ban_violation" ("police_report_proposal_id")',
        'CREATE INDEX "ban_violation_recorded_by_id" ON "ban_violation" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "ban_violation_token" ON "ban_violation" ("token")',
    ],
    'postgresql': [
        'ALTER TABLE "measure" ADD COLUMN "decision_reasons" TEXT',
        'ALTER TABLE "measure" ADD COLUMN "unheard_reason" TEXT',
        'CREATE TABLE "measure_hearing" ("id" SERIAL NOT NULL PRIMARY KEY, "measure_id" INTEGER NOT NULL, "outcome" VARCHAR(16) NOT NULL, "held_on" DATE NOT NULL, "heard_by" VARCHAR(200) NOT NULL, "account" TEXT, "recorded_by_id" INTEGER NOT NULL, "recorded_at" TIMESTAMP NOT NULL, "token" VARCHAR(32) NOT NULL, FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "measure_hearing_measure_id" ON "measure_hearing" ("measure_id")',
        'CREATE INDEX "measure_hearing_recorded_by_id" ON "measure_hearing" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "measure_hearing_token" ON "measure_hearing" ("token")',
        'CREATE TABLE "measure_objection" ("id" SERIAL NOT NULL PRIMARY KEY, "measure_id" INTEGER NOT NULL, "received_on" DATE NOT NULL, "grounds" TEXT NOT NULL, "recorded_by_id" INTEGER NOT NULL, "recorded_at" TIMESTAMP NOT NULL, "token" VARCHAR(32) NOT NULL, "outcome" VARCHAR(16), "outcome_reasons" TEXT, "decided_by_id" INTEGER, "decided_at" TIMESTAMP, "previous_ends_on" DATE, "previous_description" TEXT, FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "measure_objection_measure_id" ON "measure_objection" ("measure_id")',
        'CREATE INDEX "measure_objection_recorded_by_id" ON "measure_objection" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "measure_objection_token" ON "measure_objection" ("token")',
        'CREATE INDEX "measure_objection_decided_by_id" ON "measure_objection" ("decided_by_id")',
        'CREATE TABLE "ban_violation" ("id" SERIAL NOT NULL PRIMARY KEY, "measure_id" INTEGER NOT NULL, "occurred_at" TIMESTAMP NOT NULL, "location" TEXT NOT NULL, "seen_by" TEXT NOT NULL, "account" TEXT, "police_informed_at" TIMESTAMP, "police_informed_by_id" INTEGER, "police_report_proposal_id" INTEGER, "recorded_by_id" INTEGER NOT NULL, "recorded_at" TIMESTAMP NOT NULL, "token" VARCHAR(32) NOT NULL, FOREIGN KEY ("measure_id") REFERENCES "measure" ("id") ON DELETE CASCADE, FOREIGN KEY ("police_informed_by_id") REFERENCES "user" ("id") ON DELETE SET NULL, FOREIGN KEY ("police_report_proposal_id") REFERENCES "measure" ("id") ON DELETE SET NULL, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "ban_violation_measure_id" ON "ban_violation" ("measure_id")',
        'CREATE INDEX "ban_violation_police_informed_by_id" ON "ban_violation" ("police_informed_by_id")',
        'CREATE INDEX "ban_violation_police_report_proposal_id" ON "ban_violation" ("police_report_proposal_id")',
        'CREATE INDEX "ban_violation_recorded_by_id" ON "ban_violation" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "ban_violation_token" ON "ban_violation" ("token")',
    ],
}
