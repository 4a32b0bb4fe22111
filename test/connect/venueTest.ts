// What the venue tests share: a fund's mapping of a main account and a sub-account on the fake venue, and sync options
// with instant retries and the fixtures' clock.
import { mappingSchema, type Mapping } from '../../src/connect/mapping.js';
import type { SyncOptions } from '../../src/connect/sync.js';

/** The accounts of a test fund on one fake venue. */
export interface FundOnVenue {
  /** ccxt exchange id (binanceusdm, bybit, okx). */
  exchange: string;
  /** The accounts' venue name. */
  venue: string;
  /** The fake venue's URL. */
  url: string;
  /** Account ids of the main account and the sub-account. */
  ids: [string, string];
  /** Key environment prefixes of the main account and the sub-account; no sub-account when absent. */
  keys: [string, string?];
  timeout?: number;
}

/** Returns the mapping of a fund node holding the main account and, when keyed, the sub-account ("desk-1"). */
export function fundMapping(fund: FundOnVenue): Mapping {
  const connection = (env: string) => ({
    exchange: fund.exchange,
    key: { env },
    url: fund.url,
    ...(fund.timeout === undefined ? {} : { timeout: fund.timeout }),
  });
  const [main, sub] = fund.keys;
  const account = (id: string, conn: object) => ({ id, parent: 'fund', venue: fund.venue, connection: conn });
  return mappingSchema.parse({
    name: 'Fund',
    nodes: [{ id: 'fund' }],
    accounts: [
      account(fund.ids[0], connection(main)),
      ...(sub === undefined ? [] : [account(fund.ids[1], { ...connection(sub), subAccount: 'desk-1' })]),
    ],
  });
}

/** Three attempts, 1 ms apart, without waiting. */
export const INSTANT = { attempts: 3, backoffMs: 1, sleep: async (): Promise<void> => {} };

/** Returns sync options reading keys from `env`, retrying instantly, at the fixtures' time `now`. */
export function syncOptions(
  env: NodeJS.ProcessEnv,
  now: number,
  extra: Partial<SyncOptions> = {},
): SyncOptions {
  return { env, retry: INSTANT, now: () => now, ...extra };
}

/** Returns a sleep that records the delays asked and does not wait. */
export function recordingSleep(): { slept: number[]; sleep: (ms: number) => Promise<void> } {
  const slept: number[] = [];
  return { slept, sleep: (ms) => (slept.push(ms), Promise.resolve()) };
}
