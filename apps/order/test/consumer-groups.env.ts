import { randomUUID } from 'node:crypto';

// Imported before the app: this run's consumer groups, so the test never shares a group with a live order app.
process.env.CONSUMER_GROUP_PREFIX = `test-${randomUUID().slice(0, 8)}.`;
