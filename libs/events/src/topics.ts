/** Every topic of the system, one per producing aggregate. The only place topic names are written. */
export const Topics = {
  User: 'user.events.v1',
  Product: 'product.events.v1',
  Order: 'order.events.v1',
  Payment: 'payment.events.v1',
  Store: 'store.events.v1',
  Delivery: 'delivery.events.v1',
  Mileage: 'mileage.events.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly Topic[] = Object.values(Topics);

/** The dead-letter topic of one consumer group for one source topic: `<topic>.<group>.dlq`. */
export function deadLetterTopic(topic: string, group: string): string {
  return `${topic}.${group}.dlq`;
}
