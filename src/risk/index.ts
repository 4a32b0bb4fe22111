export * from './rootFind.js';
export * from './liquidation.js';
export * from './greeks.js';
