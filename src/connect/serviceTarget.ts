// The poller's view of a running service: its ledgers and instruments, and the one event path (checkEvent, then
// the event log, which stores the event and applies it with applyEvent), exactly as POST /v1/accounts/:id/events.
import type { Logger } from 'pino';
import type { ServiceContext } from '../service/context.js';
import { checkEvent } from '../service/eventLog.js';
import type { RetryPolicy } from './exchange.js';
import { InputError } from '../core/index.js';
import { loadMapping, type Mapping } from './mapping.js';
import { VenuePoller, type PollTarget } from './poller.js';

/** Returns the poll target of a service. */
export function servicePollTarget(ctx: Pick<ServiceContext, 'state' | 'events'>): PollTarget {
  return {
    ledger: (id) => (ctx.state.accounts.has(id) ? ctx.state.ledger(id) : undefined),
    knowsInstrument: (id) => ctx.state.instruments.has(id),
    prices: () => ctx.state.market.prices,
    submit: async (id, event) => {
      checkEvent(ctx.state, id, event);
      return ctx.events.submit(id, event);
    },
  };
}

/** The venue connections a service keeps current (`serve --connect MAPPING --poll-interval MS`). */
export interface VenueConnections {
  mapping: Mapping;
  /** Time between the end of one poll and the start of the next, in ms. */
  intervalMs: number;
  /** Where the keys' environment variables are read (process.env in `serve`). */
  env: NodeJS.ProcessEnv;
  retry?: RetryPolicy;
  /** The pulls' clock (epoch ms); default the service's. Tests replaying old venue answers pass their time. */
  now?: () => number;
}

/** Returns a poller of the service's venue accounts, logging each change of an account's state (never a key). */
export function servicePoller(
  ctx: Pick<ServiceContext, 'state' | 'events' | 'now'>,
  venues: VenueConnections,
  log: Logger,
): VenuePoller {
  return new VenuePoller(venues.mapping, servicePollTarget(ctx), {
    env: venues.env,
    intervalMs: venues.intervalMs,
    now: venues.now ?? ctx.now,
    ...(venues.retry === undefined ? {} : { retry: venues.retry }),
    onState: (a) => {
      const fields = { account: a.id, venue: a.venue, state: a.state, reason: a.error };
      if (a.state === 'fresh') log.info(fields, `venue account ${a.id} is fresh`);
      else log.warn(fields, `venue account ${a.id} is ${a.state}: ${a.error ?? ''}`);
    },
  });
}

/** Returns the venue connections of `serve --connect MAPPING --poll-interval MS`; throws InputError. */
export async function loadVenueConnections(
  mappingPath: string,
  intervalMs: number,
  env: NodeJS.ProcessEnv,
): Promise<VenueConnections> {
  if (!Number.isInteger(intervalMs) || intervalMs < 1000)
    throw new InputError([
      {
        path: '--poll-interval',
        message: `${intervalMs} is not a whole number of milliseconds of at least 1000`,
        hint: "polling faster than once a second spends the venues' rate limits",
      },
    ]);
  const mapping = await loadMapping(mappingPath);
  if (!mapping.accounts.some((a) => a.connection !== undefined))
    throw new InputError([
      { path: `${mappingPath}: accounts`, message: 'no account has a connection: nothing to poll' },
    ]);
  return { mapping, intervalMs, env };
}
