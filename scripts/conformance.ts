// npm run conformance: runs Derive's published PMRM_2 portfolio cases (the shared reference folder, which is
// not part of the project) through our implementation and prints `N passed, M failed`. A case passes when
// IM, MM and MtM agree within 1e-8 relative (1e-8 absolute near zero); each failure names the first
// intermediate that differs, in the order the algorithm computes them. Absent folder: it says so, exits 0.
// Arguments: case-name filters; --intermediates also lists passing cases whose published intermediates differ.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { agrees, runDeriveCase, type ConformanceCheck } from '../src/margin/rulebooks/derive/conformance.js';

/** Where the cases are, relative to the repository root. */
export const CASES_FOLDER = '../shared/reference/derive-v2-core/pmrm2_portfolio_cases';

/** One case's outcome as the runner reports it. */
export interface CaseReport {
  name: string;
  passed: boolean;
  firstDifference: ConformanceCheck | undefined;
  /** Every published figure that differs (intermediates included). */
  differences: ConformanceCheck[];
  error?: string;
}

/** Returns the cases folder resolved from the repository root. */
export function casesFolder(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', CASES_FOLDER);
}

/** Returns the case names of a folder sorted by their number (test_1, test_2, ... test_139). */
export function caseNames(folder: string): string[] {
  const number = (name: string): number => Number(/^test_(\d+)/.exec(name)?.[1] ?? Number.NaN);
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort((a, b) => number(a) - number(b) || a.localeCompare(b));
}

/** Returns the report of every case in `folder` (all, or those whose name contains one of `only`). */
export function runFolder(folder: string, only: readonly string[] = []): CaseReport[] {
  const names = caseNames(folder).filter((n) => only.length === 0 || only.some((o) => n.includes(o)));
  return names.map((name) => {
    try {
      const outcome = runDeriveCase(JSON.parse(readFileSync(join(folder, `${name}.json`), 'utf8')));
      const differences = outcome.checks.filter((c) => !agrees(c.actual, c.expected));
      return { name, passed: outcome.passed, firstDifference: outcome.firstDifference, differences };
    } catch (error) {
      return { name, passed: false, firstDifference: undefined, differences: [], error: String(error) };
    }
  });
}

/** Returns one line describing a failed case. */
export function describeFailure(r: CaseReport): string {
  if (r.error !== undefined) return `FAIL ${r.name}: ${r.error}`;
  const d = r.firstDifference;
  if (d === undefined) return `FAIL ${r.name}`;
  return `FAIL ${r.name}: first difference ${describeCheck(d)}`;
}

/** Returns one compared figure as text: name, both values, relative difference. */
export function describeCheck(d: ConformanceCheck): string {
  const rel = Math.abs(d.actual - d.expected) / Math.max(Math.abs(d.expected), 1e-300);
  return `${d.name}: ours ${d.actual}, Derive ${d.expected} (rel ${rel.toExponential(2)})`;
}

function main(): void {
  const folder = casesFolder();
  if (!existsSync(folder)) {
    console.log(
      `conformance skipped: ${CASES_FOLDER} is absent (Derive's cases are not part of the project)`,
    );
    return;
  }
  const args = process.argv.slice(2);
  const reports = runFolder(
    folder,
    args.filter((a) => !a.startsWith('--')),
  );
  for (const r of reports) if (!r.passed) console.log(describeFailure(r));
  if (args.includes('--intermediates')) {
    for (const r of reports.filter((x) => x.passed && x.differences.length > 0)) {
      for (const d of r.differences) console.log(`note ${r.name} (passes): ${describeCheck(d)}`);
    }
  }
  const passed = reports.filter((r) => r.passed).length;
  console.log(`${passed} passed, ${reports.length - passed} failed`);
  if (passed !== reports.length) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
