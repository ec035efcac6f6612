export * from './database';
export * from './key-locks';
export * from './own-autovacuum';
export * from './prepared-statements';
export * from './unit-of-work';
