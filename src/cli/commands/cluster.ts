import { InvalidArgumentError, Option, type Command } from 'commander';
import Table from 'cli-table3';
import { clusterStatus, type ClusterStatus } from '../../cluster/status.js';
import { parseNumber, print } from '../program.js';

interface StatusCliOptions {
  cluster: string;
  clusterName: string;
  database?: string;
  dbSchema?: string;
  listen: number;
  format: 'table' | 'json';
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Returns the status as text: one row per partition, then the totals and the workers heard. */
export function formatClusterStatus(s: ClusterStatus): string {
  const t = new Table({
    head: ['partition', 'owner', 'epoch', 'lease', 'position', 'lag'],
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [] },
  });
  for (const p of s.byPartition) {
    const lease =
      p.owner !== null
        ? `expires in ${seconds(p.leaseRemainingMs)}`
        : p.epoch === 0
          ? 'never taken'
          : `free (expired ${seconds(-p.leaseRemainingMs)} ago)`;
    t.push([p.partition, p.owner ?? '-', p.epoch, lease, p.position, p.lag]);
  }
  const owned = s.byPartition.filter((p) => p.owner !== null).length;
  const lag = s.byPartition.reduce((sum, p) => sum + p.lag, 0);
  const lines = [
    `cluster ${s.cluster}: ${s.partitions} partitions, ${owned} owned, ${s.partitions - owned} without an owner; ` +
      `events stream ${s.stream.name}: ${s.stream.messages} messages, last sequence ${s.stream.lastSeq}; ` +
      `lag ${lag} events in all`,
    '',
    t.toString(),
    '',
    s.workers.length === 0 ? 'no worker heartbeat heard' : `workers heard (${s.workers.length}):`,
  ];
  for (const w of s.workers)
    lines.push(
      `  ${w.id} (pid ${w.pid} on ${w.host}): partitions ${w.partitions.join(', ') || 'none'}` +
        (w.metricsUrl === undefined ? '' : `; metrics ${w.metricsUrl}`),
    );
  return lines.join('\n');
}

/** Adds `cluster status`: partitions, their owners, epochs, lease expiry and consumer lag. */
export function register(program: Command): void {
  const cluster = program.command('cluster').description('inspect a cluster of gateways and workers');
  cluster
    .command('status')
    .description(
      'partitions, owners, lease epochs and expiry (PostgreSQL), consumer lag per partition (JetStream)',
    )
    .requiredOption('--cluster <url>', 'NATS URL of the cluster (nats://127.0.0.1:4222)')
    .option('--cluster-name <name>', 'name of the cluster: its streams and subjects', 'unimargin')
    .option('--database <url>', 'PostgreSQL URL (postgres://...; or UNIMARGIN_DATABASE_URL)')
    .option('--db-schema <name>', 'PostgreSQL schema of the cluster (default public)')
    .option('--listen <ms>', 'how long to listen for worker heartbeats', parseNumber, 1500)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: StatusCliOptions) => {
      const databaseUrl = opts.database ?? process.env.UNIMARGIN_DATABASE_URL;
      if (databaseUrl === undefined)
        throw new InvalidArgumentError('--database: a cluster keeps its leases in PostgreSQL; give its URL');
      const status = await clusterStatus({
        natsUrl: opts.cluster,
        clusterName: opts.clusterName,
        databaseUrl,
        databaseSchema: opts.dbSchema ?? process.env.UNIMARGIN_DATABASE_SCHEMA ?? 'public',
        listenMs: Math.max(0, opts.listen),
      });
      print(opts.format === 'json' ? JSON.stringify(status, null, 2) : formatClusterStatus(status));
    });
}
