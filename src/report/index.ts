export * from './types.js';
export * from './buildReport.js';
