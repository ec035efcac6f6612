import { DynamicModule, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList } from 'typeorm';
import { DataSource } from 'typeorm';
import { ServiceConfig } from './config';
import { databaseUrl, dataSourceOptions, ensureDatabase } from './database';
import { HealthRegistry } from './health';
import { SERVICE_NAME } from './platform.module';

export interface DatabaseModuleOptions {
  entities: MixedList<Function | string>;
  migrations: MixedList<Function | string>;
}

/** The service's own PostgreSQL database: created if missing, migrated at start, checked by readiness. */
@Module({})
export class DatabaseModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly health: HealthRegistry,
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
            return dataSourceOptions({ url: databaseUrl(config.DATABASE_URL, name), entities, migrations });
          },
        }),
      ],
    };
  }

  onModuleInit(): void {
    this.health.register({
      name: 'database',
      check: async () => {
        await this.dataSource.query('SELECT 1');
      },
    });
  }
}
