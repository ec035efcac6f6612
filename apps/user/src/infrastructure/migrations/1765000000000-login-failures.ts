import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed logins counted per key (account, client address, both) in fixed windows: LoginThrottle. */
export class LoginFailures1765000000000 implements MigrationInterface {
  name = 'LoginFailures1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_failures (
        key            text PRIMARY KEY,
        failures       int NOT NULL,
        window_ends_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_failures`);
  }
}
