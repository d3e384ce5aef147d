"""0012 register_aftercare: the register recognises the same person online; aftercare counts from the incident.

- New table online_account: the online accounts a register entry is known by (models.perpetrators),
  with a keyed blind index of the normalised platform and handle for matching.
- New table not_same_person: the security officer decided a case with the same account is not
  about that entry (the suggestion 'possibly the same person' goes).
- employee_incident.token: a form sent twice stores one incident.
- conversation.as_soon_as_possible: its time had passed when the municipality learned of the
  incident (models.aftercare.aftercare_due_dates); existing conversations keep false.
- referral.cost_entry_id: what the municipality pays for professional help, as the ledger entry in
  force (models.damages.bear_cost); referral.token: a form sent twice stores one referral.

The CREATE TABLE statements are the ones `flask --app app make-migration` writes for OnlineAccount and
NotSamePerson; the columns are added by hand (ALTER TABLE). Frozen: edit only by hand with care."""

SQL = {
    'sqlite': [
        'CREATE TABLE "online_account" ("id" INTEGER NOT NULL PRIMARY KEY, "perpetrator_id" INTEGER NOT NULL, "platform" TEXT NOT NULL, "account" TEXT NOT NULL, "account_index" VARCHAR(64) NOT NULL, "case_id" INTEGER, "added_by_id" INTEGER, "added_at" DATETIME NOT NULL, FOREIGN KEY ("perpetrator_id") REFERENCES "perpetrator" ("id") ON DELETE CASCADE, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE SET NULL, FOREIGN KEY ("added_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "online_account_perpetrator_id" ON "online_account" ("perpetrator_id")',
        'CREATE INDEX "online_account_account_index" ON "online_account" ("account_index")',
        'CREATE INDEX "online_account_case_id" ON "online_account" ("case_id")',
        'CREATE INDEX "online_account_added_by_id" ON "online_account" ("added_by_id")',
        'CREATE UNIQUE INDEX "online_account_perpetrator_id_account_index" ON "online_account" ("perpetrator_id", "account_index")',
        'CREATE TABLE "not_same_person" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "perpetrator_id" INTEGER NOT NULL, "decided_by_id" INTEGER, "decided_at" DATETIME NOT NULL, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("perpetrator_id") REFERENCES "perpetrator" ("id") ON DELETE CASCADE, FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "not_same_person_case_id" ON "not_same_person" ("case_id")',
        'CREATE INDEX "not_same_person_perpetrator_id" ON "not_same_person" ("perpetrator_id")',
        'CREATE INDEX "not_same_person_decided_by_id" ON "not_same_person" ("decided_by_id")',
        'CREATE UNIQUE INDEX "not_same_person_case_id_perpetrator_id" ON "not_same_person" ("case_id", "perpetrator_id")',
        'ALTER TABLE "employee_incident" ADD COLUMN "token" VARCHAR(32)',
        'CREATE UNIQUE INDEX "employee_incident_token" ON "employee_incident" ("token")',
        'ALTER TABLE "conversation" ADD COLUMN "as_soon_as_possible" INTEGER NOT NULL DEFAULT 0',
        'ALTER TABLE "referral" ADD COLUMN "cost_entry_id" INTEGER REFERENCES "ledger_entry" ("id") ON DELETE RESTRICT',
        'CREATE INDEX "referral_cost_entry_id" ON "referral" ("cost_entry_id")',
        'ALTER TABLE "referral" ADD COLUMN "token" VARCHAR(32)',
        'CREATE UNIQUE INDEX "referral_token" ON "referral" ("token")',
    ],
    'postgresql': [
        'CREATE TABLE "online_account" ("id" SERIAL NOT NULL PRIMARY KEY, "perpetrator_id" INTEGER NOT NULL, "platform" TEXT NOT NULL, "account" TEXT NOT NULL, "account_index" VARCHAR(64) NOT NULL, "case_id" INTEGER, "added_by_id" INTEGER, "added_at" TIMESTAMP NOT NULL, FOREIGN KEY ("perpetrator_id") REFERENCES "perpetrator" ("id") ON DELETE CASCADE, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE SET NULL, FOREIGN KEY ("added_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "online_account_perpetrator_id" ON "online_account" ("perpetrator_id")',
        'CREATE INDEX "online_account_account_index" ON "online_account" ("account_index")',
        'CREATE INDEX "online_account_case_id" ON "online_account" ("case_id")',
        'CREATE INDEX "online_account_added_by_id" ON "online_account" ("added_by_id")',
        'CREATE UNIQUE INDEX "online_account_perpetrator_id_account_index" ON "online_account" ("perpetrator_id", "account_index")',
        'CREATE TABLE "not_same_person" ("id" SERIAL NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "perpetrator_id" INTEGER NOT NULL, "decided_by_id" INTEGER, "decided_at" TIMESTAMP NOT NULL, FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("perpetrator_id") REFERENCES "perpetrator" ("id") ON DELETE CASCADE, FOREIGN KEY ("decided_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "not_same_person_case_id" ON "not_same_person" ("case_id")',
        'CREATE INDEX "not_same_person_perpetrator_id" ON "not_same_person" ("perpetrator_id")',
        'CREATE INDEX "not_same_person_decided_by_id" ON "not_same_person" ("decided_by_id")',
        'CREATE UNIQUE INDEX "not_same_person_case_id_perpetrator_id" ON "not_same_person" ("case_id", "perpetrator_id")',
        'ALTER TABLE "employee_incident" ADD COLUMN "token" VARCHAR(32)',
        'CREATE UNIQUE INDEX "employee_incident_token" ON "employee_incident" ("token")',
        'ALTER TABLE "conversation" ADD COLUMN "as_soon_as_possible" BOOLEAN NOT NULL DEFAULT false',
        'ALTER TABLE "referral" ADD COLUMN "cost_entry_id" INTEGER REFERENCES "ledger_entry" ("id") ON DELETE RESTRICT',
        'CREATE INDEX "referral_cost_entry_id" ON "referral" ("cost_entry_id")',
        'ALTER TABLE "referral" ADD COLUMN "token" VARCHAR(32)',
        'CREATE UNIQUE INDEX "referral_token" ON "referral" ("token")',
    ],
}
