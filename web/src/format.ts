// Number formats, fixed to en-US so that every figure reads the same on every machine (and as the CLI prints it).

const moneyFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Returns an amount with two decimals and thousands separators: 96,336.75; a minus sign, never "-0.00". */
export function money(x: number): string {
  const text = moneyFormat.format(x);
  return text === '-0.00' ? '0.00' : text.replace('-', '−');
}

/** Returns an amount with a sign: +1,873.09 or −1,873.09. */
export function signedMoney(x: number): string {
  const text = money(x);
  return x > 0 && text !== '0.00' ? `+${text}` : text;
}

/** Returns a short amount for axes: 96.3K. */
export function compact(x: number): string {
  return compactFormat.format(x).replace('-', '−');
}

/** Returns a fraction as a percentage with `digits` decimals: 0.0217 → 2.17%; null → "n/a". */
export function percent(x: number | null, digits = 2): string {
  if (x === null) return 'n/a';
  return `${(x * 100).toFixed(digits).replace('-', '−')}%`;
}

/** Returns a signed percentage: +15.0% or −15.0%. */
export function signedPercent(x: number, digits = 1): string {
  const text = percent(x, digits);
  return x > 0 ? `+${text}` : text;
}

/** Returns a quantity with up to 8 significant decimals: 0.61534115. */
export function quantity(x: number): string {
  return Number(x.toPrecision(8)).toLocaleString('en-US', { maximumFractionDigits: 8 }).replace('-', '−');
}

/** Returns a time of day in the viewer's zone, with seconds. */
export function timeOfDay(at: string | number): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false });
}

export const STATUS_LABEL: Record<string, string> = {
  healthy: 'healthy',
  warning: 'warning',
  marginCall: 'margin call',
  liquidation: 'liquidation',
  normal: 'normal',
};
