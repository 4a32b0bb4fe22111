// The poller's view of a running service: its ledgers and instruments, and the one event path (checkEvent, then
// the event log, which stores the event and applies it with applyEvent), exactly as POST /v1/accounts/:id/events.
import type { ServiceContext } from '../service/context.js';
import { checkEvent } from '../service/eventLog.js';
import type { PollTarget } from './poller.js';

/** Returns the poll target of a service. */
export function servicePollTarget(ctx: Pick<ServiceContext, 'state' | 'events'>): PollTarget {
  return {
    ledger: (id) => (ctx.state.accounts.has(id) ? ctx.state.ledger(id) : undefined),
    knowsInstrument: (id) => ctx.state.instruments.has(id),
    submit: async (id, event) => {
      checkEvent(ctx.state, id, event);
      return ctx.events.submit(id, event);
    },
  };
}
