// The checks of the HTTP fuzzer (../http.ts): what a refused request must leave as it was, what an answer must not
// hold (a non-finite figure, an account outside the key's subtree).
import { createHash } from 'node:crypto';
import { serializeLedgers } from '../../src/account/index.js';
import type { Store } from '../../src/store/index.js';
import type { Service } from '../../src/service/service.js';
import type { FuzzKey } from './requests.js';

export async function fingerprint(service: Service, store: Store): Promise<string> {
  const { state, recomputer } = service.ctx;
  const latest = recomputer.latest;
  const margins =
    latest === undefined ? [] : [...latest.nodes].map(([id, n]) => [id, n.equity, n.im, n.mm, n.status]);
  const keys = (await store.listApiKeys()).map((k) => [k.id, k.revokedAt]);
  const hooks = (await store.listWebhooks()).map((w) => w.id);
  const text = JSON.stringify([
    state.lastEventId,
    [...state.accounts.keys()],
    [...state.instruments.keys()],
    state.market,
    serializeLedgers(state.ledgers),
    margins,
    keys,
    hooks,
    (await store.loadMarketEvents()).length,
  ]);
  return createHash('sha256').update(text).digest('hex');
}

export async function settle(service: Service): Promise<void> {
  await service.ctx.events.idle();
  await service.ctx.recomputer.idle();
}

// Figures that are always numbers in an answer: JSON.stringify writes a NaN or an infinity as null.
const FIGURES = new Set([
  'equity',
  'im',
  'mm',
  'freeCollateral',
  'incrementalIm',
  'incrementalMm',
  'equityChange',
  'pnl',
  'fundingPnl',
  'scanRisk',
]);

/** Returns what is not finite in an answer (a bare NaN or Infinity, or a figure written as null), or undefined. */
export function nonFiniteIn(text: string): string | undefined {
  const outsideStrings = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const bare = /\b(NaN|-?Infinity)\b/.exec(outsideStrings)?.[0];
  if (bare !== undefined) return `bare ${bare}`;
  let found: string | undefined;
  const walk = (v: unknown): void => {
    if (found !== undefined || typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (x === null && FIGURES.has(k)) found = `${k}: null`;
      walk(x);
    }
  };
  try {
    walk(JSON.parse(text));
  } catch {
    return undefined;
  }
  return found;
}

// Fields that never hold an account id, whatever their text (a key's name, an instrument, a market): the fuzzer
// writes account ids into them too, and an answer that shows them back is not a leak. Instruments and the market
// are shared by every account.
const NOT_ACCOUNTS = new Set([
  ...['name', 'venue', 'url', 'reference', 'reason', 'description', 'source', 'hint', 'message', 'error'],
  ...['kind', 'instrument', 'underlying', 'quote', 'idempotencyKey', 'instruments', 'prices', 'scenario'],
]);

/** Returns the text of an answer without the fields that never hold an account id. */
function accountText(answer: string): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(
      Object.entries(v).flatMap(([k, x]) => (NOT_ACCOUNTS.has(k) ? [] : [[k, strip(x)]])),
    );
  };
  try {
    return JSON.stringify(strip(JSON.parse(answer)));
  } catch {
    return answer;
  }
}

/** Returns the ids of accounts outside a key's subtree that an answer names and the request did not. */
export function leaked(service: Service, key: FuzzKey, request: string, answer: string): string[] {
  if (key.root === null || key.key === null) return [];
  const inside = new Set(service.ctx.state.subtree(key.root));
  const text = accountText(answer);
  return [...service.ctx.state.accounts.keys()].filter(
    (id) => !inside.has(id) && text.includes(JSON.stringify(id)) && !request.includes(id),
  );
}
