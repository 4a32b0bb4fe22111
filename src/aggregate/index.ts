export * from './collateral.js';
export * from './tree.js';
