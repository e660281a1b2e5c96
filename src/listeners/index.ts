export { EventListenerPool } from './pool.js';
export type { PoolStats } from './pool.js';
export * from './types.js';
