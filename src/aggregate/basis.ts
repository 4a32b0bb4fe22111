// The basis charge where accounts net: scenario vectors are per underlying, so a long perpetual on one venue and
// a short one on another cancel in every scenario, while their marks and funding can drift apart (venues, linear
// against inverse, perpetual against future). Netting across such classes is charged on the notional that
// offsets. The rule and the default rate's source are in docs/methodology.md ("Basis between classes").
import type { ModelParameters } from '../core/index.js';
import type { GridSummary, MarginComponent, MarginResult } from '../margin/index.js';

/** Returns the basis components of a netted summary: one per underlying whose classes offset. */
export function basisComponents(summary: GridSummary, parameters: ModelParameters): MarginComponent[] {
  const rate = parameters.grid.basisRate;
  if (rate === 0) return [];
  const out: MarginComponent[] = [];
  for (const [u, classes] of [...summary.basis].sort(([a], [b]) => a.localeCompare(b))) {
    if (classes.size < 2) continue;
    let gross = 0;
    let net = 0;
    for (const { notional } of classes.values()) {
      gross += Math.abs(notional);
      net += notional;
    }
    // What offsets between classes: half of (gross - |net|), the smaller side when there are two.
    const offset = Math.max(0, (gross - Math.abs(net)) / 2);
    if (offset === 0) continue;
    const mm = rate * offset;
    const names = [...classes.keys()].sort();
    out.push({
      kind: 'basis',
      label: `${u} basis between ${names.join(', ')}: ${+(rate * 100).toPrecision(12)}% of ${offset.toFixed(2)} offset`,
      im: parameters.grid.imMultiplier * mm,
      mm,
      underlying: u,
      detail: {
        rate,
        offsetNotional: offset,
        grossNotional: gross,
        netNotional: net,
        classes: names.join('; '),
      },
    });
  }
  return out;
}

/** Returns a netted grid result with the basis charge of its summary added. */
export function withBasis(
  result: MarginResult,
  summary: GridSummary,
  parameters: ModelParameters,
): MarginResult {
  const basis = basisComponents(summary, parameters);
  if (basis.length === 0) return result;
  const im = basis.reduce((a, c) => a + c.im, result.im);
  const mm = basis.reduce((a, c) => a + c.mm, result.mm);
  return { ...result, im, mm, components: [...result.components, ...basis] };
}
