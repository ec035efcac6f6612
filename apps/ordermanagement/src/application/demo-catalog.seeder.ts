import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Catalog } from './catalog';

/** Seeds the demo catalog at start-up (once per database, whatever the number of instances). */
@Injectable()
export class DemoCatalogSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoCatalogSeeder.name);

  constructor(private readonly catalog: Catalog) {}

  async onApplicationBootstrap(): Promise<void> {
    const seeded = await this.catalog.seedDemoCatalog();
    if (seeded) this.logger.log(`demo catalog: ${seeded} products put on the shelf`);
  }
}
