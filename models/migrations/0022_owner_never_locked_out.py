"""0022 owner_never_locked_out: login throttling that stops guessing but not the owner, one's own
sessions, and the security.txt settings (issue 19 items 1, 3 and 7) — models.accounts, models.settings.

- login_failure.kind: "password" (a guess) or "code" (the right password, a wrong code); wrong codes
  after the right password lock an account, guesses never do (models.accounts.attempt_login).
- user.login_alert_sent_at: when the owner was last mailed about failed logins (at most once an hour).
- login_session.user_agent: the device as the browser reported it, for the list of one's sessions.
- New table text_setting: settings that are a text (security.txt's contact and expiry).
- The old throttle settings (failures per 15 minutes, lockout minutes) go: the limits are now per hour
  and have new names.

Frozen: edit only by hand with care."""

SQL = {
    'sqlite': [
        'ALTER TABLE "login_failure" ADD COLUMN "kind" VARCHAR(16) NOT NULL DEFAULT \'password\'',
        'ALTER TABLE "user" ADD COLUMN "login_alert_sent_at" DATETIME',
        'ALTER TABLE "login_session" ADD COLUMN "user_agent" VARCHAR(255)',
        'CREATE TABLE "text_setting" ("key" VARCHAR(64) NOT NULL PRIMARY KEY, "value" VARCHAR(255) NOT NULL, "changed_at" DATETIME NOT NULL, "changed_by" INTEGER)',
        'DELETE FROM "setting" WHERE "key" IN (\'login_max_failures_account\', \'login_max_failures_address\', \'login_lockout_minutes\')',
    ],
    'postgresql': [
        'ALTER TABLE "login_failure" ADD COLUMN "kind" VARCHAR(16) NOT NULL DEFAULT \'password\'',
        'ALTER TABLE "user" ADD COLUMN "login_alert_sent_at" TIMESTAMP',
        'ALTER TABLE "login_session" ADD COLUMN "user_agent" VARCHAR(255)',
        'CREATE TABLE "text_setting" ("key" VARCHAR(64) NOT NULL PRIMARY KEY, "value" VARCHAR(255) NOT NULL, "changed_at" TIMESTAMP NOT NULL, "changed_by" INTEGER)',
        'DELETE FROM "setting" WHERE "key" IN (\'login_max_failures_account\', \'login_max_failures_address\', \'login_lockout_minutes\')',
    ],
}
