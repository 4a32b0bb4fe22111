// NATS for tests: the JetStream server on 127.0.0.1:4222. Absent on a laptop: the tests skip with a message;
// under CI=true an absent server fails them.
import { createConnection } from 'node:net';

export const NATS_URL = process.env.UNIMARGIN_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Returns whether the NATS server accepts a connection (its INFO line) within two seconds. */
async function natsAnswers(): Promise<boolean> {
  const { hostname, port } = new URL(NATS_URL);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('data', (d) => done(d.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}

/** Returns nothing when NATS answers, else why the test cannot run: a skip, or an error under CI=true. */
export async function natsAbsent(): Promise<{ skip: string } | { error: string } | undefined> {
  if (await natsAnswers()) return undefined;
  if (process.env.CI === 'true') return { error: `CI=true but NATS does not answer at ${NATS_URL}` };
  return { skip: `NATS JetStream not reachable at ${NATS_URL}: skipped (set CI=true to require it)` };
}
