"""0021 public: issue 17, before, during and after in public (§4, §5, §7).

- New table office_holder_informed (models.communication): which other office holder was told
  about a case, when, and the victim's consent record in force that allowed it (§7).
- meeting: decided_clerk_id, decided_security_officer_id: the clerk and the security officer who
  decided on a police report with the chair (§5), as accounts (models.meetings).
- prevention_session.token: a briefing or training sent twice is stored once (models.prevention).
- New table briefing_invitation: who attended no briefing and was invited to the next (§4.1).
- home_screening: case_id, ledger_entry_id: the incident a home screening follows (§6.4) and the
  ledger entry that books its cost on that case as a cost the municipality bears (models.risk).

The CREATE TABLE statements are the ones models.migrations.create_table_sql writes; the ALTERs are
written by hand (a column added with a foreign key is empty, which SQLite allows). Frozen: edit
only by hand with care."""

SQL = {
    'sqlite': [
        'CREATE TABLE "office_holder_informed" ("id" INTEGER NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "office_holder_id" INTEGER NOT NULL, "informed_on" DATE NOT NULL, "consent_record_id" INTEGER NOT NULL, "recorded_by_id" INTEGER NOT NULL, "recorded_at" DATETIME NOT NULL, "token" VARCHAR(32), FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("office_holder_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("consent_record_id") REFERENCES "consent_record" ("id") ON DELETE RESTRICT, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "office_holder_informed_case_id" ON "office_holder_informed" ("case_id")',
        'CREATE INDEX "office_holder_informed_office_holder_id" ON "office_holder_informed" ("office_holder_id")',
        'CREATE INDEX "office_holder_informed_consent_record_id" ON "office_holder_informed" ("consent_record_id")',
        'CREATE INDEX "office_holder_informed_recorded_by_id" ON "office_holder_informed" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "office_holder_informed_case_id_office_holder_id" ON "office_holder_informed" ("case_id", "office_holder_id")',
        'CREATE TABLE "briefing_invitation" ("id" INTEGER NOT NULL PRIMARY KEY, "term_id" INTEGER NOT NULL, "user_id" INTEGER NOT NULL, "briefing_at" DATETIME NOT NULL, "invited_by_id" INTEGER, "invited_at" DATETIME NOT NULL, FOREIGN KEY ("term_id") REFERENCES "council_term" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("invited_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "briefing_invitation_term_id" ON "briefing_invitation" ("term_id")',
        'CREATE INDEX "briefing_invitation_user_id" ON "briefing_invitation" ("user_id")',
        'CREATE INDEX "briefing_invitation_invited_by_id" ON "briefing_invitation" ("invited_by_id")',
        'CREATE UNIQUE INDEX "briefing_invitation_term_id_user_id_briefing_at" ON "briefing_invitation" ("term_id", "user_id", "briefing_at")',
        'ALTER TABLE "meeting" ADD COLUMN "decided_clerk_id" INTEGER REFERENCES "user" ("id") ON DELETE SET NULL',
        'ALTER TABLE "meeting" ADD COLUMN "decided_security_officer_id" INTEGER REFERENCES "user" ("id") ON DELETE SET NULL',
        'CREATE INDEX "meeting_decided_clerk_id" ON "meeting" ("decided_clerk_id")',
        'CREATE INDEX "meeting_decided_security_officer_id" ON "meeting" ("decided_security_officer_id")',
        'ALTER TABLE "prevention_session" ADD COLUMN "token" VARCHAR(32)',
        'CREATE UNIQUE INDEX "prevention_session_token" ON "prevention_session" ("token")',
        'ALTER TABLE "home_screening" ADD COLUMN "case_id" INTEGER REFERENCES "case" ("id") ON DELETE SET NULL',
        'ALTER TABLE "home_screening" ADD COLUMN "ledger_entry_id" INTEGER REFERENCES "ledger_entry" ("id") ON DELETE SET NULL',
        'CREATE INDEX "home_screening_case_id" ON "home_screening" ("case_id")',
        'CREATE INDEX "home_screening_ledger_entry_id" ON "home_screening" ("ledger_entry_id")',
    ],
    'postgresql': [
        'CREATE TABLE "office_holder_informed" ("id" SERIAL NOT NULL PRIMARY KEY, "case_id" INTEGER NOT NULL, "office_holder_id" INTEGER NOT NULL, "informed_on" DATE NOT NULL, "consent_record_id" INTEGER NOT NULL, "recorded_by_id" INTEGER NOT NULL, "recorded_at" TIMESTAMP NOT NULL, "token" VARCHAR(32), FOREIGN KEY ("case_id") REFERENCES "case" ("id") ON DELETE CASCADE, FOREIGN KEY ("office_holder_id") REFERENCES "user" ("id") ON DELETE RESTRICT, FOREIGN KEY ("consent_record_id") REFERENCES "consent_record" ("id") ON DELETE RESTRICT, FOREIGN KEY ("recorded_by_id") REFERENCES "user" ("id") ON DELETE RESTRICT)',
        'CREATE INDEX "office_holder_informed_case_id" ON "office_holder_informed" ("case_id")',
        'CREATE INDEX "office_holder_informed_office_holder_id" ON "office_holder_informed" ("office_holder_id")',
        'CREATE INDEX "office_holder_informed_consent_record_id" ON "office_holder_informed" ("consent_record_id")',
        'CREATE INDEX "office_holder_informed_recorded_by_id" ON "office_holder_informed" ("recorded_by_id")',
        'CREATE UNIQUE INDEX "office_holder_informed_case_id_office_holder_id" ON "office_holder_informed" ("case_id", "office_holder_id")',
        'CREATE TABLE "briefing_invitation" ("id" SERIAL NOT NULL PRIMARY KEY, "term_id" INTEGER NOT NULL, "user_id" INTEGER NOT NULL, "briefing_at" TIMESTAMP NOT NULL, "invited_by_id" INTEGER, "invited_at" TIMESTAMP NOT NULL, FOREIGN KEY ("term_id") REFERENCES "council_term" ("id") ON DELETE CASCADE, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE, FOREIGN KEY ("invited_by_id") REFERENCES "user" ("id") ON DELETE SET NULL)',
        'CREATE INDEX "briefing_invitation_term_id" ON "briefing_invitation" ("term_id")',
        'CREATE INDEX "briefing_invitation_user_id" ON "briefing_invitation" ("user_id")',
        'CREATE INDEX "briefing_invitation_invited_by_id" ON "briefing_invitation" ("invited_by_id")',
        'CREATE UNIQUE INDEX "briefing_invitation_term_id_user_id_briefing_at" ON "briefing_invitation" ("term_id", "user_id", "briefing_at")',
        'ALTER TABLE "meeting" ADD COLUMN "decided_clerk_id" INTEGER REFERENCES "user" ("id") ON DELETE SET NULL',
        'ALTER TABLE "meeting" ADD COLUMN "decided_security_officer_id" INTEGER REFERENCES "user" ("id") ON DELETE SET NULL',
        'CREATE INDEX "meeting_decided_clerk_id" ON "meeting" ("decided_clerk_id")',
        'CREATE INDEX "meeting_decided_security_officer_id" ON "meeting" ("decided_security_officer_id")',
        'ALTER TABLE "prevention_session" ADD COLUMN "token" VARCHAR(32)',
        'CREATE UNIQUE INDEX "prevention_session_token" ON "prevention_session" ("token")',
        'ALTER TABLE "home_screening" ADD COLUMN "case_id" INTEGER REFERENCES "case" ("id") ON DELETE SET NULL',
        'ALTER TABLE "home_screening" ADD COLUMN "ledger_entry_id" INTEGER REFERENCES "ledger_entry" ("id") ON DELETE SET NULL',
        'CREATE INDEX "home_screening_case_id" ON "home_screening" ("case_id")',
        'CREATE INDEX "home_screening_ledger_entry_id" ON "home_screening" ("ledger_entry_id")',
    ],
}
