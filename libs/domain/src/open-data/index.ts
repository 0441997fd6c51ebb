export * from './period';
export * from './grid';
export * from './open-row';
export * from './k-suppression';
export * from './writers';
export * from './dcat';
