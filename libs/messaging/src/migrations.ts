import type { MigrationInterface, QueryRunner } from 'typeorm';

export const OUTBOX_CHANNEL = 'homestore_outbox';

/**
 * The outbox and inbox tables every service needs; each app lists this migration before its own.
 * An outbox row lives from the commit that raised it until Kafka acknowledged it; then the relay deletes it.
 * A statement trigger NOTIFYs the relay on commit, so publishing does not wait for the next poll.
 */
export class CreateMessagingTables1763800000000 implements MigrationInterface {
  name = 'CreateMessagingTables1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id          bigserial PRIMARY KEY,
        event_id    uuid NOT NULL UNIQUE,
        event_type  text NOT NULL,
        topic       text NOT NULL,
        key         text NOT NULL,
        value       text NOT NULL,
        headers     jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('${OUTBOX_CHANNEL}', ''); RETURN NULL; END $$`);
    await q.query(`
      CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
    await q.query(`
      CREATE TABLE inbox (
        consumer_group text NOT NULL,
        event_id       uuid NOT NULL,
        event_type     text NOT NULL,
        handled_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
    await q.query(`CREATE INDEX inbox_handled_at ON inbox (handled_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox`);
    await q.query(`DROP TRIGGER outbox_inserted ON outbox`);
    await q.query(`DROP FUNCTION outbox_notify()`);
    await q.query(`DROP TABLE outbox`);
  }
}
