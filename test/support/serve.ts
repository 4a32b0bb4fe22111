// `unimargin serve` as a child process for tests: started with the test admin key, its output kept, stopped by
// its pid. Every child is recorded so that a failing test can kill what it started.
import { spawn, type ChildProcess } from 'node:child_process';

export const SERVE_KEY = 'test-admin-key-0123456789';

/** A `serve` child: its pid, output so far, exit code once it exits, and its URL once it listens. */
export interface ServeChild {
  child: ChildProcess;
  pid: number;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves with the base URL once it prints its docs address; rejects if it exits first or after `ms`. */
  listening: (ms?: number) => Promise<string>;
  /** Resolves once its output matches `pattern`; rejects if it exits first or after `ms`. */
  waitFor: (pattern: RegExp, ms?: number) => Promise<RegExpExecArray>;
}

/**
 * Starts `unimargin serve <args>` (port 0, silent logs unless asked) and records it in `children`; `nodeArgs` go
 * to Node itself (a benchmark's `--cpu-prof`, say).
 */
export function startServe(
  args: readonly string[],
  children: ChildProcess[],
  nodeArgs: readonly string[] = [],
): ServeChild {
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      '--port',
      '0',
      '--log-level',
      'warn',
      ...args,
    ],
    { env: { ...process.env, UNIMARGIN_ADMIN_KEY: SERVE_KEY }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (c) => {
      code = c;
      r(c);
    }),
  );
  const waitFor = async (pattern: RegExp, ms = 90_000): Promise<RegExpExecArray> => {
    const until = Date.now() + ms;
    for (;;) {
      const m = pattern.exec(out);
      if (m !== null) return m;
      if (code !== undefined || Date.now() > until)
        throw new Error(`serve ${child.pid}: no ${String(pattern)} (exit ${String(code)}):\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    waitFor,
    listening: async (ms) => (await waitFor(/API docs: (http:\/\/\S+)\/docs/, ms))[1]!,
  };
}

/** Kills every child still running (an after() hook of files that start services). */
export function killAll(children: readonly ChildProcess[]): void {
  for (const c of children) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    c.kill('SIGCONT');
    c.kill('SIGKILL');
  }
}

/** Calls the service with the admin key; a connection that fails answers `undefined`. */
export async function callServe(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
  try {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${SERVE_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
