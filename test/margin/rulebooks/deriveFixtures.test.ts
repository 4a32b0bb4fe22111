// Derive PMRM v2 against cases transcribed from Derive's published PMRM_2 portfolio cases (each fixture in
// test/fixtures/derive/ cites its case file and commit): IM, MM, MtM and the intermediates the case publishes.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  derivePmrmMargin,
  deriveRulebookParameters,
  type DeriveContingencies,
  type DerivePortfolio,
} from '../../../src/margin/rulebooks/derive/index.js';
import { agrees } from '../../../src/margin/rulebooks/derive/conformance.js';

interface Fixture {
  case: string;
  source: string;
  portfolio: DerivePortfolio;
  parameters: Record<string, unknown>;
  expected: {
    im: number;
    mm: number;
    markToMarket: number;
    worstLoss: number;
    basisContingency: number;
    expiries: { secToExpiry: number; mtm: number; staticDiscountPos: number; staticDiscountNeg: number }[];
    contingencies: Omit<DeriveContingencies, 'basis' | 'mm' | 'im'>;
  };
}

const FOLDER = 'test/fixtures/derive';
const fixtures: Fixture[] = readdirSync(FOLDER)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(FOLDER, f), 'utf8')) as Fixture);

function close(f: Fixture, what: string, actual: number, expected: number): void {
  // Named tolerance: 1e-8 relative, 1e-8 absolute near zero (the conformance rule).
  assert.ok(
    agrees(actual, expected),
    `${f.case} ${what}: got ${actual}, Derive ${expected}\n(source ${f.source})\ninputs ${JSON.stringify(f.portfolio)}`,
  );
}

it('transcribes between five and eight diverse cases', () => {
  assert.ok(fixtures.length >= 5 && fixtures.length <= 8, `${fixtures.length} fixtures`);
  const kinds = {
    optionsOnly: fixtures.some((f) => f.portfolio.options.length > 0 && f.portfolio.perp.position === 0),
    perp: fixtures.some((f) => f.portfolio.perp.position !== 0),
    haircuts: fixtures.some((f) => f.portfolio.collaterals.some((c) => c.mmHaircut > 0)),
    confidence: fixtures.some((f) => f.expected.contingencies.confidence > 0),
  };
  assert.deepEqual(kinds, { optionsOnly: true, perp: true, haircuts: true, confidence: true });
});

for (const f of fixtures) {
  it(`${f.case}: IM, MM and MtM as Derive publishes them`, () => {
    const r = derivePmrmMargin(f.portfolio, deriveRulebookParameters(f.parameters).pmrm);
    close(f, 'MtM', r.markToMarket, f.expected.markToMarket);
    close(f, 'MM', r.mm, f.expected.mm);
    close(f, 'IM', r.im, f.expected.im);
  });

  it(`${f.case}: per-expiry value, static discounts, contingencies and worst loss`, () => {
    const r = derivePmrmMargin(f.portfolio, deriveRulebookParameters(f.parameters).pmrm);
    const pre = r.precomputed;
    for (const x of f.expected.expiries) {
      const e = pre.expiries.find((y) => y.secToExpiry === x.secToExpiry);
      assert.ok(e, `${f.case}: no expiry ${x.secToExpiry}`);
      close(f, `expiry ${x.secToExpiry} mtm`, e.mtm, x.mtm);
      close(f, `expiry ${x.secToExpiry} staticDiscountPos`, e.staticDiscountPos, x.staticDiscountPos);
      close(f, `expiry ${x.secToExpiry} staticDiscountNeg`, e.staticDiscountNeg, x.staticDiscountNeg);
    }
    close(f, 'basis contingency', pre.contingencies.basis, f.expected.basisContingency);
    for (const [name, value] of Object.entries(f.expected.contingencies)) {
      close(
        f,
        `contingency ${name}`,
        pre.contingencies[name as keyof typeof f.expected.contingencies],
        value,
      );
    }
    close(f, 'worst loss', r.worstLoss, f.expected.worstLoss);
  });
}
