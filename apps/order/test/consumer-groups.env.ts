import { randomUUID } from 'node:crypto';

// Imported before the app: this run's consumer groups, so the test never shares a group with a live order app.
const run = randomUUID().slice(0, 8);
process.env.ORDER_CONSUMER_GROUP = `order-test-${run}`;
process.env.ORDER_MYPAGE_CONSUMER_GROUP = `order-mypage-test-${run}`;
