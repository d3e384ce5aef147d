"""0016 communication: the communication log of a case (§7, issue 17 §3).

statement: each statement or press contact about a case, its text and who spoke encrypted
(models.communication). Frozen: edit only by hand with care."""

SQL = {
    "sqlite": [
        'CREATE TABLE "statement" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "made_on" DATE NOT NULL, "medium" VARCHAR(24) NOT NULL, "made_by" TEXT NOT NULL, "text" TEXT NOT NULL, "recorded_by_id" INTEGER NOT NULL, "recorded_at" DATETIME NOT NULL, "token" VARCHAR(32), FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "statement_case_id" ON "statement" ("case_id")',
        'CREATE INDEX "statement_recorded_by_id" ON "statement" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "statement_token" ON "statement" ("token")',
    ],
    "postgresql": [
        'CREATE TABLE "statement" ("id" SERIAL NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "made_on" DATE NOT NULL, "medium" VARCHAR(24) NOT NULL, "made_by" TEXT NOT NULL, "text" TEXT NOT NULL, "recorded_by_id" INTEGER NOT NULL, "recorded_at" TIMESTAMP NOT NULL, "token" VARCHAR(32), FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "statement_case_id" ON "statement" ("case_id")',
        'CREATE INDEX "statement_recorded_by_id" ON "statement" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "statement_token" ON "statement" ("token")',
    ],
}
