export * from './tracer-provider';
export * from './spans';
