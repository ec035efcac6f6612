import type { ServiceConfig } from '@homestore/platform';

/** The consumer group a service really joins for one of its groups of DESIGN.md: CONSUMER_GROUP_PREFIX comes first. */
export function consumerGroup(config: Pick<ServiceConfig, 'CONSUMER_GROUP_PREFIX'>, group: string): string {
  return `${config.CONSUMER_GROUP_PREFIX ?? ''}${group}`;
}
