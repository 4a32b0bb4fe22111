export * from './marketView.js';
export * from './valuation.js';
export * from './volatility.js';
export * from './scenarioSet.js';
export * from './riskArray.js';
