// Layer 1.5, just above core and below pricing: the one account state. It imports core only, so that the engine,
// risk, the service and the CLI all change an account through the same schema, decimals and applyEvent.
export * from './decimal.js';
export * from './events.js';
export * from './ledger.js';
export * from './snapshot.js';
export * from './holdings.js';
