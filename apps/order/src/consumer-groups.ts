/**
 * The order app's consumer groups (DESIGN.md): `order` runs the saga and the product replica, `order-mypage` the
 * read model. The environment may rename them only so that an integration test can run beside a live app.
 */
export const ConsumerGroups = {
  saga: process.env.ORDER_CONSUMER_GROUP || 'order',
  myPage: process.env.ORDER_MYPAGE_CONSUMER_GROUP || 'order-mypage',
} as const;
