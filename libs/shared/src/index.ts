export * from './enums';
export * from './errors';
export * from './occurrence';
export * from './rules';
export * from './live-events';
export * from './live-cursor';
export * from './notification';
export * from './retry';
