// PostgreSQL for tests: 127.0.0.1:5432, database `test`, trust auth as postgres or root. Absent on a laptop:
// the tests skip with a message. Under CI=true they must run, so an absent server fails them.
import pg from 'pg';

const CANDIDATES = ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Returns a URL of the test database, or undefined when none answers. Under CI=true an absent server is an
 * error: the caller registers it as a failing test.
 */
export async function postgresUrl(): Promise<{ url: string } | { skip: string } | { error: string }> {
  const explicit = process.env.UNIMARGIN_TEST_DATABASE_URL;
  for (const url of explicit === undefined ? CANDIDATES : [explicit]) if (await answers(url)) return { url };
  if (process.env.CI === 'true')
    return { error: 'CI=true but PostgreSQL does not answer on 127.0.0.1:5432 (database test)' };
  return { skip: SKIP_MESSAGE };
}

/** Registers, when PostgreSQL is absent, the test that says so: skipped, or failing under CI=true. */
export function reportAbsent(
  found: { skip: string } | { error: string },
  it: (name: string, options: { skip?: string }, fn: () => void) => unknown,
): void {
  if ('skip' in found) it('needs PostgreSQL', { skip: found.skip }, () => undefined);
  else
    it('needs PostgreSQL', {}, () => {
      throw new Error(found.error);
    });
}

/** Returns a schema name unique to this test run, so parallel runs never share tables. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`.toLowerCase();
}

/** The message printed when PostgreSQL tests are skipped. */
const SKIP_MESSAGE =
  'PostgreSQL not reachable on 127.0.0.1:5432 (database test): skipped (set CI=true to require it)';
