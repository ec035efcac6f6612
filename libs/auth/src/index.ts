export * from './auth-user';
export * from './auth-errors';
export * from './jwks-cache';
export * from './token-verifier';
export * from './decorators';
export * from './auth.guard';
export * from './auth.module';
