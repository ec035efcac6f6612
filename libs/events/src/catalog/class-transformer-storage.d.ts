// class-transformer ships the types of its metadata storage under types/, not beside cjs/storage.js.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
