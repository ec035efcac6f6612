import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users (email unique whatever its case) and the token-signing keys generated for local runs. */
export class CreateUsers1763900000000 implements MigrationInterface {
  name = 'CreateUsers1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY,
        email         text NOT NULL,
        password_hash text NOT NULL,
        name          text NOT NULL,
        phone         text NOT NULL,
        role          text NOT NULL CHECK (role IN ('customer', 'store')),
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    // Only used when AUTH_PRIVATE_KEY is not set (never in production): every instance signs with the same key.
    await q.query(`
      CREATE TABLE signing_keys (
        kid             text PRIMARY KEY,
        private_key_pem text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE signing_keys`);
    await q.query(`DROP TABLE users`);
  }
}
