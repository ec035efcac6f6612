/** The mileage app's one consumer group; CONSUMER_GROUP_PREFIX (libs/messaging `consumerGroup`) comes before it when set. */
export const MILEAGE_GROUP = 'mileage';
