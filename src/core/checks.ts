// Checks of a book's parameters as a whole, after they are merged: rules that no single field can state (IM rates
// at least MM rates, a range's min at most its max). Each issue names the field to change. Pure comparisons only:
// what needs the market or pricing (scenario sets, vols, forwards) is checked in scenarios/checkMarket.ts.
import type { ModelParameters, ScenarioParameters } from './defaults.js';
import type { InputIssue } from './errors.js';

function atLeast(
  im: number,
  mm: number,
  path: string,
  imName: string,
  mmName: string,
  issues: InputIssue[],
): void {
  if (im < mm)
    issues.push({
      path: `${path}.${imName}`,
      message: `${imName} ${im} is below ${mmName} ${mm}: initial margin would be less than maintenance`,
      hint: `raise ${imName} or lower ${mmName}`,
    });
}

/** Returns the issues of complete parameters whose IM rules would charge less than their MM rules. */
function marginRateIssues(p: ModelParameters, path: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const tables = [
    [`${path}.standard.deltaOne`, p.standard.deltaOne] as const,
    ...Object.entries(p.standard.instruments).map(
      ([id, r]) => [`${path}.standard.instruments.${id}`, r] as const,
    ),
  ];
  for (const [where, rates] of tables) {
    atLeast(rates.imRate, rates.mmRate, where, 'imRate', 'mmRate', issues);
    atLeast(rates.imSlope, rates.mmSlope, where, 'imSlope', 'mmSlope', issues);
    (rates.brackets ?? []).forEach((b, i) => {
      if (1 / b.maxLeverage < b.mmRate)
        issues.push({
          path: `${where}.brackets[${i}].maxLeverage`,
          message: `IM rate 1/${b.maxLeverage} is below the bracket's mmRate ${b.mmRate}`,
          hint: 'a bracket needs maxLeverage <= 1 / mmRate',
        });
    });
  }
  const s = p.standard;
  atLeast(
    s.shortTokenImRate,
    s.shortTokenMmRate,
    `${path}.standard`,
    'shortTokenImRate',
    'shortTokenMmRate',
    issues,
  );
  atLeast(
    s.shortOptionIm.a,
    s.shortOptionMm.a,
    `${path}.standard.shortOptionIm`,
    'a',
    'shortOptionMm.a',
    issues,
  );
  atLeast(
    s.shortOptionIm.b,
    s.shortOptionMm.b,
    `${path}.standard.shortOptionIm`,
    'b',
    'shortOptionMm.b',
    issues,
  );
  const c = p.collateral;
  atLeast(c.loanImRate, c.loanMmRate, `${path}.collateral`, 'loanImRate', 'loanMmRate', issues);
  return issues;
}

/**
 * Returns the issues of one complete scenario set definition that no market can fix. What depends on the market
 * (the range a volatility gives, the data a source needs) is checked by building the set (scenarios/checkMarket.ts).
 */
function scenarioIssues(s: ScenarioParameters, path: string): InputIssue[] {
  const r = s.range;
  if (r.mode === 'volatility' && r.min > r.max)
    return [{ path: `${path}.range.min`, message: `must not exceed range.max (${r.max}), got ${r.min}` }];
  return [];
}

/** Returns the issues of complete parameters at `path` (`parameters` or `accounts[3].parameters`). */
export function parameterIssues(p: ModelParameters, path: string): InputIssue[] {
  const issues = [...marginRateIssues(p, path), ...scenarioIssues(p.scenarios, `${path}.scenarios`)];
  for (const [asset, s] of Object.entries(p.underlyings))
    issues.push(...scenarioIssues(s, `${path}.underlyings.${asset}`));
  return issues;
}
