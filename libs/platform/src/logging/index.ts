export * from './log-context';
export * from './service-logger';
