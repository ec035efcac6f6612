/**
 * The order app's consumer groups (DESIGN.md): `order` runs the saga and the product replica, `order-mypage` the
 * read model. CONSUMER_GROUP_PREFIX (libs/messaging `consumerGroup`) comes before both when it is set.
 */
export const ConsumerGroups = {
  saga: 'order',
  myPage: 'order-mypage',
} as const;
