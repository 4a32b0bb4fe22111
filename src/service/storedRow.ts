// Rows read back from the store are parsed with this version's rules; a row they refuse stops the start with a
// message naming the row and each field.
import type { z } from 'zod';
import { formatIssues, zodIssues } from '../core/index.js';

/**
 * A row of the store that this version's rules refuse: stored by an earlier version with looser rules, or
 * edited by hand. Start stops here, naming the row and each field, rather than with a bare validation error or by
 * skipping the row (the store is the system of record: a row left out would change balances silently).
 */
export class StoredRowError extends Error {
  constructor(where: string, issues: string) {
    super(
      `the store's ${where} does not pass this version's rules:\n${issues}\n` +
        'it was stored by an earlier version or edited by hand; correct the row (or start the version that ' +
        'stored it and export the book), then start again. Nothing was changed.',
    );
    this.name = 'StoredRowError';
  }
}

/** Parses a stored row with `schema`; throws StoredRowError naming `where` and each field. */
export function storedRow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new StoredRowError(where, formatIssues(zodIssues(result.error)));
  return result.data;
}
