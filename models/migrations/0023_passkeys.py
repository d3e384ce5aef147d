"""0023 passkeys: logging in with a passkey (WebAuthn, issue 19) — models.passkeys.

- New table passkey: a person's registered credentials (credential id, COSE public key, sign
  counter, the WebAuthn user handle, name, transports, when added and last used).
- New table passkey_challenge: a ceremony's challenge, kept on the server and taken once.

The CREATE TABLE statements are the ones models.migrations.create_table_sql writes for Passkey and
PasskeyChallenge. Frozen: edit only by hand with care."""

SQL = {
    'sqlite': [
        'CREATE TABLE "passkey" ("id" INTEGER NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "credential_id" VARCHAR(1400) NOT NULL, "public_key" BLOB NOT NULL, "sign_count" INTEGER NOT NULL, "user_handle" VARCHAR(64) NOT NULL, "name" VARCHAR(100) NOT NULL, "transports" VARCHAR(200) NOT NULL, "added_at" DATETIME NOT NULL, "last_used_at" DATETIME, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "passkey_user_id" ON "passkey" ("user_id")',
        'CREATE UNIQUE INDEX "passkey_credential_id" ON "passkey" ("credential_id")',
        'CREATE INDEX "passkey_user_handle" ON "passkey" ("user_handle")',
        'CREATE TABLE "passkey_challenge" ("id" INTEGER NOT NULL PRIMARY KEY, "token_hash" VARCHAR(64) NOT NULL, "purpose" VARCHAR(16) NOT NULL, "user_id" INTEGER, "challenge" VARCHAR(128) NOT NULL, "user_handle" VARCHAR(64), "expires_at" DATETIME NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE UNIQUE INDEX "passkey_challenge_token_hash" ON "passkey_challenge" ("token_hash")',
        'CREATE INDEX "passkey_challenge_user_id" ON "passkey_challenge" ("user_id")',
        'CREATE INDEX "passkey_challenge_expires_at" ON "passkey_challenge" ("expires_at")',
    ],
    'postgresql': [
        'CREATE TABLE "passkey" ("id" SERIAL NOT NULL PRIMARY KEY, "user_id" INTEGER NOT NULL, "credential_id" VARCHAR(1400) NOT NULL, "public_key" BYTEA NOT NULL, "sign_count" BIGINT NOT NULL, "user_handle" VARCHAR(64) NOT NULL, "name" VARCHAR(100) NOT NULL, "transports" VARCHAR(200) NOT NULL, "added_at" TIMESTAMP NOT NULL, "last_used_at" TIMESTAMP, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE INDEX "passkey_user_id" ON "passkey" ("user_id")',
        'CREATE UNIQUE INDEX "passkey_credential_id" ON "passkey" ("credential_id")',
        'CREATE INDEX "passkey_user_handle" ON "passkey" ("user_handle")',
        'CREATE TABLE "passkey_challenge" ("id" SERIAL NOT NULL PRIMARY KEY, "token_hash" VARCHAR(64) NOT NULL, "purpose" VARCHAR(16) NOT NULL, "user_id" INTEGER, "challenge" VARCHAR(128) NOT NULL, "user_handle" VARCHAR(64), "expires_at" TIMESTAMP NOT NULL, FOREIGN KEY ("user_id") REFERENCES "user" ("id") ON DELETE CASCADE)',
        'CREATE UNIQUE INDEX "passkey_challenge_token_hash" ON "passkey_challenge" ("token_hash")',
        'CREATE INDEX "passkey_challenge_user_id" ON "passkey_challenge" ("user_id")',
        'CREATE INDEX "passkey_challenge_expires_at" ON "passkey_challenge" ("expires_at")',
    ],
}
