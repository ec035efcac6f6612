/** The payment app's one consumer group; CONSUMER_GROUP_PREFIX (libs/messaging `consumerGroup`) comes before it when set. */
export const PAYMENT_GROUP = 'payment';
