"""0019 risk_screening: prevention (§4.1, §4.2, §6.4) — models.risk.

- New table risk_analysis: a risk analysis asked before a group meeting, information evening or a
  risk conversation in the town hall (with a security presence and its time), the security
  officer's assessment and decision. Its reminder is a deadline of no case (0018 lets
  deadline.case_id be empty).
- New table home_screening: a home screening asked by an office holder, the visit, the advice, the
  measures taken and what the municipality paid (cents; the ledger books per case).

The CREATE TABLE statements are the ones models.migrations.create_table_sql writes for RiskAnalysis
and HomeScreening. Frozen: edit only by hand with care."""

SQL = {
    'sqlite': [
        'CREATE TABLE "risk_analysis" ("id" INTEGER NOT NULL PRIMARY KEY, "requested_by_id" INTEGER NOT NULL, "kind" VARCHAR(32) NOT NULL, "what" TEXT NOT NULL, "location" TEXT NOT NULL, "starts_at" DATETIME NOT NULL, "security_presence" INTEGER NOT NULL, "security_from" DATETIME, "requested_at" DATETIME NOT NULL, "token" VARCHAR(32), "expected_tension" VARCHAR(16), "location_chosen" TEXT, "organisational_measures" TEXT, "security_present" INTEGER, "decision" VARCHAR(32), "decided_by_id" INTEGER, "decided_at" DATETIME, FOREIGN KEY ("requested_by_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "risk_analysis_requested_by_id" ON "risk_analysis" ("requested_by_id")',
        'CREATE INDEX "risk_analysis_starts_at" ON "risk_analysis" ("starts_at")',
        'CREATE UNIQUE INDEX "risk_analysis_token" ON "risk_analysis" ("token")',
        'CREATE INDEX "risk_analysis_decided_by_id" ON "risk_analysis" ("decided_by_id")',
        'CREATE TABLE "home_screening" ("id" INTEGER NOT NULL PRIMARY KEY, "office_holder_id" INTEGER NOT NULL, "reason" TEXT, "requested_at" DATETIME NOT NULL, "token" VARCHAR(32), "visited_on" DATE, "advice" TEXT, "measures_taken" TEXT, "cost_cents" INTEGER CHECK (cost_cents >= 0), "updated_by_id" INTEGER, FOREIGN KEY ("office_holder_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("updated_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "home_screening_office_holder_id" ON "home_screening" ("office_holder_id")',
        'CREATE UNIQUE INDEX "home_screening_token" ON "home_screening" ("token")',
        'CREATE INDEX "home_screening_updated_by_id" ON "home_screening" ("updated_by_id")',
    ],
    'postgresql': [
        'CREATE TABLE "risk_analysis" ("id" SERIAL NOT NULL PRIMARY KEY, "requested_by_id" INTEGER NOT NULL, "kind" VARCHAR(32) NOT NULL, "what" TEXT NOT NULL, "location" TEXT NOT NULL, "starts_at" TIMESTAMP NOT NULL, "security_presence" BOOLEAN NOT NULL, "security_from" TIMESTAMP, "requested_at" TIMESTAMP NOT NULL, "token" VARCHAR(32), "expected_tension" VARCHAR(16), "location_chosen" TEXT, "organisational_measures" TEXT, "security_present" BOOLEAN, "decision" VARCHAR(32), "decided_by_id" INTEGER, "decided_at" TIMESTAMP, FOREIGN KEY ("requested_by_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "risk_analysis_requested_by_id" ON "risk_analysis" ("requested_by_id")',
        'CREATE INDEX "risk_analysis_starts_at" ON "risk_analysis" ("starts_at")',
        'CREATE UNIQUE INDEX "risk_analysis_token" ON "risk_analysis" ("token")',
        'CREATE INDEX "risk_analysis_decided_by_id" ON "risk_analysis" ("decided_by_id")',
        'CREATE TABLE "home_screening" ("id" SERIAL NOT NULL PRIMARY KEY, "office_holder_id" INTEGER NOT NULL, "reason" TEXT, "requested_at" TIMESTAMP NOT NULL, "token" VARCHAR(32), "visited_on" DATE, "advice" TEXT, "measures_taken" TEXT, "cost_cents" BIGINT CHECK (cost_cents >= 0), "updated_by_id" INTEGER, FOREIGN KEY ("office_holder_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("updated_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "home_screening_office_holder_id" ON "home_screening" ("office_holder_id")',
        'CREATE UNIQUE INDEX "home_screening_token" ON "home_screening" ("token")',
        'CREATE INDEX "home_screening_updated_by_id" ON "home_screening" ("updated_by_id")',
    ],
}
