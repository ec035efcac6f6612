export * from './config';
export * from './database.module';
export * from './health';
export * from './platform.module';
export * from './bootstrap';
export * from './http-errors';
export * from './paging';
