/** One problem found in input, located by its path (e.g. `accounts[2].positions[0].quantity`). */
export interface InputIssue {
  path: string;
  message: string;
  hint?: string;
}

/** Thrown by parsing and resolution when input is invalid; carries every issue found, not just the first. */
export class InputError extends Error {
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[]) {
    super(formatIssues(issues));
    this.name = 'InputError';
    this.issues = issues;
  }
}

/** Renders a path array as `a.b[3].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Returns a human-readable multi-line listing of issues. */
export function formatIssues(issues: readonly InputIssue[]): string {
  const lines = issues.map((i) => `${i.path}: ${i.message}${i.hint ? ` (hint: ${i.hint})` : ''}`);
  return `${issues.length} problem${issues.length === 1 ? '' : 's'} in input:\n  ${lines.join('\n  ')}`;
}
