// Public API of the engine: create it from a book, apply events, read margins, check trades before they happen,
// and run the batch over every account. The columnar layout, the slots, the instrument catalog and the kernels are
// internal: their shape changes with the kernel and nothing outside the engine may depend on it.
export {
  accountMargin,
  applyEvent,
  createEngine,
  createEngineFromBook,
  engineAccount,
  engineExposure,
} from './engine.js';
export type { EngineOptions, EngineState, KernelName } from './state.js';
export { parseEvent } from './events.js';
export type { TickResult } from './tick.js';
export { createPreTradeChecker, tradeCheck, type PreTradeChecker, type TradeCheck } from './preTrade.js';
export { closeBatchPool, createBatchPool, runBatch, runStream, type BatchPool } from './batch.js';
