// Issue 13 item 4: hosts, not just processes. One worker runs as its own host in a network namespace (ip netns +
// veth, as root) and reaches NATS and PostgreSQL only through the veth (the test forwards the veth address to
// the machine's servers, which listen on loopback only). The veth is then cut: that worker can no longer renew its
// leases, the two workers on the main host take its partitions at higher epochs, and events keep being
// acknowledged. Once the link is back, the cut-off worker finds its leases taken ("partition lost") and none of
// its writes lands: every event is stored once and every node's margin equals a single process's.
// Skips with a message where namespaces cannot be made (not root, no iproute2), unless CI=true and root.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Server } from 'node:net';
import { after, describe, it } from 'node:test';
import { clusterStatus } from '../../src/cluster/status.js';
import { dropPostgresSchema } from '../../src/store/index.js';
import { postgresUrl, reportAbsent, uniqueSchema } from '../store/pg.js';
import { SERVE_KEY, callServe, killAll, startServe } from '../support/serve.js';
import { checkAgainstSingleProcess, deliver, eventOf, NATS_URL, natsAbsent, newAccount } from './support.js';

const PARTITIONS = 6;
const LEASE_MS = 2000;
const ACCOUNTS = 8;
const PER_ACCOUNT = 20;
const accountIds = Array.from({ length: ACCOUNTS }, (_, i) => `n-${i}`);

const found = await postgresUrl();
const nats = await natsAbsent();
const children: ChildProcess[] = [];
const servers: Server[] = [];
after(() => killAll(children));

const tag = String(process.pid % 100_000);
const NS = `um${tag}`;
const HOST_IF = `umh${tag}`;
const NS_IF = `umn${tag}`;
// The project's own test addresses, on a veth pair that only this test's namespace uses.
const octet = (process.pid % 200) + 20;
const HOST_IP = `10.213.${octet}.1`;
const NS_IP = `10.213.${octet}.2`;

const ip = (...args: string[]): { ok: boolean; err: string } => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: r.status === 0, err: `${r.stderr ?? ''}${r.error?.message ?? ''}` };
};

/** Makes the namespace and its veth; returns why not when it cannot. */
function makeHost(): string | undefined {
  const steps = [
    ['netns', 'add', NS],
    ['link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF],
    ['link', 'set', NS_IF, 'netns', NS],
    ['addr', 'add', `${HOST_IP}/30`, 'dev', HOST_IF],
    ['link', 'set', HOST_IF, 'up'],
    ['-n', NS, 'addr', 'add', `${NS_IP}/30`, 'dev', NS_IF],
    ['-n', NS, 'link', 'set', NS_IF, 'up'],
    ['-n', NS, 'link', 'set', 'lo', 'up'],
  ];
  for (const s of steps) {
    const r = ip(...s);
    if (!r.ok) return `ip ${s.join(' ')}: ${r.err.trim()}`;
  }
  return undefined;
}

function removeHost(): void {
  ip('link', 'del', HOST_IF);
  ip('netns', 'del', NS);
}

/** Forwards HOST_IP:<free port> to `target` (host:port on loopback); returns the port. */
async function forward(target: { host: string; port: number }): Promise<number> {
  const server = createServer((client) => {
    const upstream = createConnection(target);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, HOST_IP, r));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('cluster across hosts (a worker in a network namespace, cut off)', () => {
  if ('skip' in found || 'error' in found) return reportAbsent(found, it);
  if (nats !== undefined) return reportAbsent(nats, it);
  const url = found.url;
  const root = process.getuid?.() === 0;
  const why = root ? makeHost() : 'not root: network namespaces need root';
  if (why !== undefined) {
    removeHost();
    it('needs network namespaces', { skip: `${why}: skipped` }, () => undefined);
    return;
  }
  after(() => {
    for (const s of servers) s.close();
    removeHost();
  });

  it('a worker cut off from NATS and PostgreSQL stops writing and the others take over', async (t) => {
    const schema = uniqueSchema('um_netns');
    const name = `n${process.pid}${Date.now().toString(36)}`;
    const common = ['--cluster-name', name, '--db-schema', schema, '--lease', String(LEASE_MS)];
    try {
      const gateway = startServe(
        [
          '--cluster',
          NATS_URL,
          '--database',
          url,
          ...common,
          '--role',
          'gateway',
          '--partitions',
          String(PARTITIONS),
        ],
        children,
      );
      const base = await gateway.listening();
      const nat = new URL(NATS_URL);
      const db = new URL(url);
      const natsPort = await forward({ host: nat.hostname, port: Number(nat.port) });
      const pgPort = await forward({ host: db.hostname, port: Number(db.port || 5432) });
      db.hostname = HOST_IP;
      db.port = String(pgPort);
      // The namespaced worker first, so that it takes its share before the others come.
      const remote = spawn(
        'ip',
        [
          ...['netns', 'exec', NS, process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'serve'],
          ...['--port', '0', '--log-level', 'warn', '--cluster', `nats://${HOST_IP}:${natsPort}`],
          ...['--database', db.toString(), ...common, '--role', 'worker'],
        ],
        { env: { ...process.env, UNIMARGIN_ADMIN_KEY: SERVE_KEY }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(remote);
      let remoteOut = '';
      remote.stdout.on('data', (c: Buffer) => (remoteOut += c.toString()));
      remote.stderr.on('data', (c: Buffer) => (remoteOut += c.toString()));
      const local = [0, 1].map(() =>
        startServe(['--cluster', NATS_URL, '--database', url, ...common, '--role', 'worker'], children),
      );
      for (const id of accountIds)
        assert.equal((await callServe(base, 'POST', '/v1/accounts', newAccount(id)))?.status, 201);
      const status = () =>
        clusterStatus({
          natsUrl: NATS_URL,
          clusterName: name,
          databaseUrl: url,
          databaseSchema: schema,
          listenMs: 0,
        });
      // Events flow until the namespaced worker owns partitions (its heartbeat crosses the veth).
      for (let tries = 0; ; tries++) {
        const s = await status();
        if (
          s.byPartition.some((p) => p.ownerPid === remote.pid) &&
          s.byPartition.every((p) => p.owner !== null)
        )
          break;
        assert.ok(tries < 120, `the namespaced worker never took a partition:\n${remoteOut}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const half = Math.floor(PER_ACCOUNT / 2);
      await Promise.all(
        accountIds.map(async (id) => {
          for (let i = 0; i < half; i++) await deliver(base, id, eventOf(id, i));
        }),
      );
      const before = await status();
      const cut = before.byPartition.filter((p) => p.ownerPid === remote.pid);

      // Cut the link: its partitions come back under the local workers, each at a higher epoch.
      assert.ok(ip('link', 'set', HOST_IF, 'down').ok);
      const cutAt = performance.now();
      for (let tries = 0; ; tries++) {
        const s = await status();
        const moved = cut.every((c) => {
          const now = s.byPartition[c.partition]!;
          return now.owner !== null && now.ownerPid !== remote.pid && now.epoch > c.epoch;
        });
        if (moved) break;
        assert.ok(tries < 120, `partitions never taken over: ${JSON.stringify(s.byPartition)}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      t.diagnostic(
        `${cut.length} partitions of the cut-off worker taken over ${((performance.now() - cutAt) / 1000).toFixed(2)} s after the cut`,
      );
      await Promise.all(
        accountIds.map(async (id) => {
          for (let i = half; i < PER_ACCOUNT; i++) await deliver(base, id, eventOf(id, i));
        }),
      );

      // The link comes back: the old owner learns that its leases were taken and writes nothing.
      assert.ok(ip('link', 'set', HOST_IF, 'up').ok);
      for (let tries = 0; !remoteOut.includes('partition lost'); tries++) {
        assert.ok(tries < 120, `the cut-off worker never reported its partitions lost:\n${remoteOut}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(local.every((w) => w.child.exitCode === null));
      await checkAgainstSingleProcess(url, schema, base, accountIds, PER_ACCOUNT);
    } finally {
      killAll(children);
      await dropPostgresSchema(url, schema).catch(() => undefined);
    }
  });
});
