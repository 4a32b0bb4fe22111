// A node's committed amounts as JSON (decimal strings per asset) and back, with every check a verifier needs:
// no negative, nothing beyond 128 bits, nothing finer than the asset's unit, no missing or unknown asset.
import { InputError, type InputIssue } from '../core/index.js';
import { formatUnits, MAX_U128, parseUnits, type AssetUnit } from './units.js';

/** Committed amounts of a leaf or node, as decimal strings in each asset's (or the reporting currency's) unit. */
export interface SumsJson {
  receivable: Record<string, string>;
  payable: Record<string, string>;
  im: string;
  mm: string;
  equity: string;
  deficit: string;
}

const MARGIN_FIELDS = ['im', 'mm', 'equity', 'deficit'] as const;

/** Returns values (in value order: receivable and payable per asset, then IM, MM, equity, deficit) as JSON. */
export function sumsToJson(
  values: readonly bigint[],
  assets: readonly AssetUnit[],
  reporting: AssetUnit,
): SumsJson {
  const receivable: Record<string, string> = {};
  const payable: Record<string, string> = {};
  assets.forEach((a, k) => {
    receivable[a.code] = formatUnits(values[2 * k]!, a.decimals);
    payable[a.code] = formatUnits(values[2 * k + 1]!, a.decimals);
  });
  const at = (i: number): string => formatUnits(values[2 * assets.length + i]!, reporting.decimals);
  return { receivable, payable, im: at(0), mm: at(1), equity: at(2), deficit: at(3) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns one committed amount, or undefined after recording why it is not one. */
function amount(raw: unknown, decimals: number, path: string, issues: InputIssue[]): bigint | undefined {
  if (typeof raw !== 'string') {
    issues.push({ path, message: 'must be a decimal string' });
    return undefined;
  }
  try {
    const units = parseUnits(raw, decimals, path);
    if (units < 0n) {
      issues.push({
        path,
        message: `negative amount "${raw}": committed amounts are unsigned`,
        hint: 'what a participant owes is a payable, never a negative receivable',
      });
      return undefined;
    }
    if (units > MAX_U128) issues.push({ path, message: `"${raw}" exceeds the 128-bit amount field` });
    return units;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    issues.push(...error.issues);
    return undefined;
  }
}

function knownKeys(
  value: Record<string, unknown>,
  keys: readonly string[],
  path: string,
  issues: InputIssue[],
) {
  const extra = Object.keys(value).filter((k) => !keys.includes(k));
  if (extra.length > 0)
    issues.push({ path, message: `unknown field${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}` });
}

function perAsset(raw: unknown, assets: readonly AssetUnit[], path: string, issues: InputIssue[]): bigint[] {
  if (!isRecord(raw)) {
    issues.push({ path, message: 'must be an object of amounts per asset' });
    return [];
  }
  knownKeys(
    raw,
    assets.map((a) => a.code),
    path,
    issues,
  );
  return assets.map((a) => amount(raw[a.code], a.decimals, `${path}.${a.code}`, issues) ?? 0n);
}

/** Returns committed amounts in value order from their JSON; throws InputError naming every bad field. */
export function sumsFromJson(
  raw: unknown,
  assets: readonly AssetUnit[],
  reporting: AssetUnit,
  path: string,
): bigint[] {
  const issues: InputIssue[] = [];
  if (!isRecord(raw)) throw new InputError([{ path, message: 'must be an object of sums' }]);
  knownKeys(raw, ['receivable', 'payable', ...MARGIN_FIELDS], path, issues);
  const receivable = perAsset(raw.receivable, assets, `${path}.receivable`, issues);
  const payable = perAsset(raw.payable, assets, `${path}.payable`, issues);
  const margin = MARGIN_FIELDS.map((f) => amount(raw[f], reporting.decimals, `${path}.${f}`, issues) ?? 0n);
  if (issues.length > 0) throw new InputError(issues);
  return [...assets.flatMap((_, k) => [receivable[k]!, payable[k]!]), ...margin];
}
