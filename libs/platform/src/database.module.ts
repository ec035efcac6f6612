import { BeforeApplicationShutdown, DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Gauge, Registry } from 'prom-client';
import type { MixedList } from 'typeorm';
import { DataSource } from 'typeorm';
import { ServiceConfig } from './config';
import { databaseUrl, dataSourceOptions, ensureDatabase, OwnAutovacuum, poolOf } from '@homestore/persistence';
import { HealthRegistry } from './health';
import { SERVICE_NAME } from './platform.module';

export interface DatabaseModuleOptions {
  entities: MixedList<Function | string>;
  migrations: MixedList<Function | string>;
}

/** The service's own PostgreSQL database: created if missing, migrated at start, checked by readiness. */
@Module({})
export class DatabaseModule implements OnModuleInit, BeforeApplicationShutdown {
  private autovacuum?: OwnAutovacuum;

  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthRegistry,
    private readonly registry: Registry,
  ) {}

  static forRoot({ entities, migrations }: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ServiceConfig, SERVICE_NAME],
          useFactory: async (config: ServiceConfig, service: string) => {
            const name = config.DATABASE_NAME ?? `homestore_${service}`;
            await ensureDatabase(config.DATABASE_URL, name);
            return dataSourceOptions({ url: databaseUrl(config.DATABASE_URL, name), entities, migrations, acquireTimeoutMs: config.DATABASE_ACQUIRE_TIMEOUT_MS });
          },
        }),
      ],
    };
  }

  async onModuleInit(): Promise<void> {
    this.autovacuum = new OwnAutovacuum(this.dataSource);
    await this.autovacuum.start();
    this.health.register({
      name: 'database',
      check: async () => {
        await this.dataSource.query('SELECT 1');
      },
    });
    // How busy the connection pool is: "waiting" above zero means work queues for a connection.
    const pool = poolOf(this.dataSource);
    new Gauge({
      name: 'homestore_db_pool_connections',
      help: 'Database connections of the pool by state (total, idle), and queries waiting for one (waiting)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        // After the other collectors of this scrape have taken their connections (the outbox gauges query).
        await new Promise((resolve) => setImmediate(resolve));
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }

  /** Before the data source closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.autovacuum?.stop();
  }
}
