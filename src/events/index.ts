export * from './types.js';
export * from './events.js';
export * from './emitter.js';
