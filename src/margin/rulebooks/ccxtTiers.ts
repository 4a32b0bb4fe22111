// ccxt's unified leverage-tier format (`fetchLeverageTiers`), loaded into brackets. Binance returns its maintenance
// amount as `info.cum`, Bybit as `info.mmDeduction` and its initial margin rate as `info.initialMargin`; when the
// venue gives neither, the amount follows the chain of maintenanceAmounts (continuous at every boundary).
import { z } from 'zod';
import {
  decimal,
  fraction,
  InputError,
  nonNegativeDecimal,
  positiveDecimal,
  zodIssues,
  type Bracket,
  type Instrument,
  type InputIssue,
} from '../../core/index.js';

/** One tier as ccxt gives it; unknown fields are kept out of the way, `info` is the venue's raw row. */
export const ccxtTierSchema = z.object({
  tier: decimal.optional(),
  currency: z.string().optional(),
  minNotional: nonNegativeDecimal,
  maxNotional: positiveDecimal,
  maintenanceMarginRate: fraction,
  maxLeverage: positiveDecimal,
  info: z.record(z.string(), z.unknown()).optional(),
});

/** ccxt's tiers of one market, smallest notional first. */
export const ccxtTierListSchema = z.array(ccxtTierSchema).min(1);

/** A bracket with the venue's initial margin rate where it publishes one apart from 1 / max leverage. */
export interface TierBracket extends Bracket {
  /** Initial margin rate of the tier (Bybit's `initialMargin`); 1 / maxLeverage when the venue gives none. */
  imRate: number;
}

type CcxtTier = z.output<typeof ccxtTierSchema>;

// Venue strings in `info` ("16300.0", "") become numbers; an empty or missing field is "not given".
function infoNumber(info: Record<string, unknown> | undefined, key: string): number | undefined {
  const raw = info?.[key];
  if (raw === undefined || raw === null || raw === '') return undefined;
  const parsed = decimal.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

function checkOrder(tiers: readonly CcxtTier[], path: string): InputIssue[] {
  const issues: InputIssue[] = [];
  tiers.forEach((t, i) => {
    const prev = tiers[i - 1];
    if (t.maxNotional <= t.minNotional)
      issues.push({ path: `${path}[${i}].maxNotional`, message: `must exceed minNotional ${t.minNotional}` });
    if (prev === undefined) return;
    // A gap or an overlap between tiers would leave notionals with no rule, or with two.
    if (Math.abs(t.minNotional - prev.maxNotional) > 1e-9 * Math.max(1, prev.maxNotional))
      issues.push({
        path: `${path}[${i}].minNotional`,
        message: `must equal the previous tier's maxNotional ${prev.maxNotional}`,
        hint: 'list tiers from smallest to largest notional, without gaps',
      });
    if (t.maintenanceMarginRate < prev.maintenanceMarginRate)
      issues.push({
        path: `${path}[${i}].maintenanceMarginRate`,
        message: `must not be below the previous tier's ${prev.maintenanceMarginRate}`,
      });
  });
  return issues;
}

/**
 * Returns one market's ccxt tiers as brackets (notional caps in the tier currency; rates as fractions), or throws
 * InputError naming `path[i].field` for every problem.
 */
export function loadCcxtTierList(raw: unknown, path: string): TierBracket[] {
  const parsed = ccxtTierListSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(zodIssues(parsed.error, [path]));
  const tiers = parsed.data;
  const issues = checkOrder(tiers, path);
  if (issues.length > 0) throw new InputError(issues);
  return tiers.map((t, i) => {
    const cum = infoNumber(t.info, 'cum') ?? infoNumber(t.info, 'mmDeduction');
    const imRate = infoNumber(t.info, 'initialMargin') ?? 1 / t.maxLeverage;
    if (imRate <= 0 || imRate > 1)
      throw new InputError([{ path: `${path}[${i}].info.initialMargin`, message: 'must be in (0, 1]' }]);
    return {
      notionalCap: t.maxNotional,
      mmRate: t.maintenanceMarginRate,
      maintenanceAmount: cum,
      maxLeverage: t.maxLeverage,
      imRate,
    };
  });
}

/** Returns every market of a ccxt tier table (`{ "BTC/USDT:USDT": [tiers] }`) as brackets, by ccxt symbol. */
export function loadCcxtTiers(raw: unknown, path = 'tiers'): Map<string, TierBracket[]> {
  const table = z.record(z.string(), z.unknown()).safeParse(raw);
  if (!table.success) throw new InputError(zodIssues(table.error, [path]));
  const out = new Map<string, TierBracket[]>();
  const issues: InputIssue[] = [];
  for (const [symbol, list] of Object.entries(table.data)) {
    try {
      out.set(symbol, loadCcxtTierList(list, `${path}.${symbol}`));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      issues.push(...e.issues);
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  return out;
}

/**
 * Returns ccxt's unified symbol of a perpetual or future: `BASE/QUOTE:SETTLE`, settled in the quote when linear
 * and in the coin when inverse, with `-YYMMDD` (UTC expiry date) for futures.
 */
export function ccxtSymbol(instrument: Instrument): string {
  const settle = instrument.settlement === 'inverse' ? instrument.underlying : instrument.quote;
  const base = `${instrument.underlying}/${instrument.quote}:${settle}`;
  if (instrument.kind !== 'future') return base;
  const d = new Date(instrument.expiry);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${base}-${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
}
