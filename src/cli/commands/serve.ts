import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_THRESHOLDS } from '../../service/alerts.js';
import { defaultConfig, type ServiceConfig } from '../../service/config.js';
import { createService, type Service } from '../../service/service.js';
import {
  DEFAULT_LEASE_MS,
  describeOwner,
  type StaleWriterError,
  type WriterOptions,
} from '../../store/index.js';
import { startGateway } from '../../cluster/gateway.js';
import { DEFAULT_PARTITIONS } from '../../cluster/partitions.js';
import { startWorker } from '../../cluster/worker.js';
import { parseNumber, print } from '../program.js';
import { loadVenueConnections } from '../../connect/serviceTarget.js';

interface ServeOptions {
  database?: string;
  dbSchema?: string;
  dataDir: string;
  host: string;
  port: number;
  seed?: string | false;
  logLevel: string;
  rateLimit: number;
  snapshotEvery: number;
  standby?: boolean;
  lease: number;
  alertWarning: number;
  alertMarginCall: number;
  alertLiquidation: number;
  alertHysteresis: number;
  cluster?: string;
  role?: string;
  clusterName: string;
  partitions: number;
  connect?: string;
  pollInterval: number;
}

const money = (n: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function configOf(opts: ServeOptions, writer: WriterOptions): ServiceConfig {
  const base = defaultConfig();
  const databaseUrl = opts.database ?? process.env.UNIMARGIN_DATABASE_URL;
  return {
    ...base,
    store: databaseUrl
      ? { databaseUrl, databaseSchema: opts.dbSchema ?? process.env.UNIMARGIN_DATABASE_SCHEMA, writer }
      : { dataDir: resolve(opts.dataDir), writer },
    host: opts.host,
    port: opts.port,
    seedPath: opts.seed === false ? undefined : opts.seed === undefined ? base.seedPath : resolve(opts.seed),
    adminKey: process.env.UNIMARGIN_ADMIN_KEY || undefined,
    logLevel: opts.logLevel,
    rateLimitMax: opts.rateLimit,
    snapshotEvery: opts.snapshotEvery,
    thresholds: {
      warning: opts.alertWarning,
      marginCall: opts.alertMarginCall,
      liquidation: opts.alertLiquidation,
      hysteresis: opts.alertHysteresis,
    },
  };
}

function announce(service: Service, url: string): void {
  const { report, nodes } = service.ctx.recomputer.latest!;
  const t = report.total;
  print(`unimargin service on ${url} (store: ${service.ctx.store.kind})`);
  print(`API docs: ${url}/docs · OpenAPI: ${url}/openapi.json`);
  if (service.createdAdminKey !== undefined)
    print(`admin API key (shown once, keep it): ${service.createdAdminKey}`);
  service.ctx.log.info(
    {
      equity: t.equity,
      im: t.im,
      mm: t.mm,
      capitalFreed: t.capitalFreed.im,
      roots: [...nodes.values()].filter((n) => n.parent === null).map((n) => n.id),
    },
    `margin: equity ${money(t.equity)}, IM ${money(t.im)}, MM ${money(t.mm)}, capital freed ${money(t.capitalFreed.im)} ${report.reportingCurrency}`,
  );
}

function onSignals(service: Service, timeoutMs: number): void {
  const stop = (signal: string): void => {
    service.ctx.log.info({ signal }, 'shutting down: draining requests');
    // A shutdown that hangs (a stuck client) must still end the process.
    setTimeout(() => process.exit(1), timeoutMs).unref();
    service
      .close()
      .then(() => {
        service.ctx.log.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        service.ctx.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * Returns the writer lease options of `serve`: a standby says while it waits; a lost lease (a newer writer took
 * the store while this process was paused or cut off) stops the service, whose writes are refused from then on.
 */
function writerOptions(opts: ServeOptions, running: () => Service | undefined): WriterOptions {
  if (!Number.isInteger(opts.lease) || opts.lease < 1000)
    throw new InvalidArgumentError(
      `--lease: ${opts.lease} is not a whole number of milliseconds of at least 1000`,
    );
  let waiting = false;
  return {
    standby: opts.standby === true,
    leaseMs: opts.lease,
    onWait: (holder) => {
      if (!waiting)
        print(
          `standby: waiting for the store, held by ${describeOwner(holder.owner)} (epoch ${holder.epoch})`,
        );
      waiting = true;
    },
    onLost: (error: StaleWriterError) => {
      const service = running();
      process.stderr.write(`unimargin: ${error.message}; stopping\n`);
      service?.ctx.log.error({ epoch: error.epoch, currentEpoch: error.currentEpoch }, 'writer lease lost');
      setTimeout(() => process.exit(3), 5000).unref();
      void (service?.close() ?? Promise.resolve()).finally(() => process.exit(3));
    },
  };
}

/** Runs a cluster worker until SIGTERM or SIGINT: no HTTP API, only its /metrics. */
async function serveWorker(opts: ServeOptions, natsUrl: string): Promise<void> {
  const databaseUrl = opts.database ?? process.env.UNIMARGIN_DATABASE_URL;
  if (databaseUrl === undefined)
    throw new InvalidArgumentError(
      '--database: a cluster worker writes to PostgreSQL; give a postgres:// URL',
    );
  const worker = await startWorker({
    natsUrl,
    clusterName: opts.clusterName,
    databaseUrl,
    databaseSchema: opts.dbSchema ?? process.env.UNIMARGIN_DATABASE_SCHEMA ?? 'public',
    leaseMs: opts.lease,
    host: opts.host,
    port: opts.port,
    logLevel: opts.logLevel,
  });
  print(`unimargin worker ${worker.id} in cluster ${opts.clusterName}; metrics: ${worker.metricsUrl}`);
  const stop = (signal: string): void => {
    worker.log.info({ signal }, 'shutting down: releasing partitions');
    setTimeout(() => process.exit(1), 10_000).unref();
    void worker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** Adds `serve`: the HTTP and WebSocket service over the embedded store (or PostgreSQL). */
export function register(program: Command): void {
  program
    .command('serve')
    .description('run the margin service: HTTP + WebSocket API, embedded store in --data-dir or PostgreSQL')
    .option(
      '--database <url>',
      'PostgreSQL URL (postgres://...); default: the embedded store (or UNIMARGIN_DATABASE_URL)',
    )
    .option('--db-schema <name>', 'PostgreSQL schema for the tables (default public)')
    .option('--data-dir <dir>', 'data directory of the embedded store', 'data')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', parseNumber, 8420)
    .option('--seed <book>', 'book that seeds an empty store (default: the bundled example)')
    .option('--no-seed', 'start an empty store with no accounts')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', 'info')
    .option('--rate-limit <n>', 'requests per minute per key (0: off)', parseNumber, 6000)
    .option(
      '--snapshot-every <n>',
      'events between state snapshots (or the number of accounts, if more)',
      parseNumber,
      1000,
    )
    .option('--standby', 'when another process holds the store, wait and take over once its lease ends')
    .option(
      '--lease <ms>',
      'writer lease length: a writer that stops renewing (paused, cut off) loses the store after this long',
      parseNumber,
      DEFAULT_LEASE_MS,
    )
    .option(
      '--alert-warning <ratio>',
      'MM/equity at which a warning is raised',
      parseNumber,
      DEFAULT_THRESHOLDS.warning,
    )
    .option(
      '--alert-margin-call <ratio>',
      "IM/equity above which a margin call is raised (the report's status: equity below IM)",
      parseNumber,
      DEFAULT_THRESHOLDS.marginCall,
    )
    .option(
      '--alert-liquidation <ratio>',
      'MM/equity at which liquidation is raised',
      parseNumber,
      DEFAULT_THRESHOLDS.liquidation,
    )
    .option(
      '--alert-hysteresis <ratio>',
      'how far below a threshold the ratio must fall to leave a level',
      parseNumber,
      0.05,
    )
    .option('--cluster <url>', 'run as a cluster role on NATS JetStream at this URL (nats://127.0.0.1:4222)')
    .option('--role <role>', 'cluster role: gateway (the HTTP and WebSocket API) or worker (owns partitions)')
    .option('--cluster-name <name>', 'name of the cluster: its streams and subjects', 'unimargin')
    .option(
      '--partitions <n>',
      'partitions of a new cluster (fixed once created)',
      parseNumber,
      DEFAULT_PARTITIONS,
    )
    .option(
      '--connect <mapping>',
      "keep the mapping's venue accounts current: poll them through ccxt (read-only keys; docs/connectors.md)",
    )
    .option('--poll-interval <ms>', 'time between two polls of the venues', parseNumber, 10_000)
    .action(async (opts: ServeOptions) => {
      if (opts.connect !== undefined && opts.cluster !== undefined)
        throw new InvalidArgumentError(
          '--connect: venue polling runs in a single process, not with --cluster',
        );
      const venues =
        opts.connect === undefined
          ? undefined
          : await loadVenueConnections(resolve(opts.connect), opts.pollInterval, process.env);
      if (opts.cluster === undefined && opts.role !== undefined)
        throw new InvalidArgumentError('--role: needs --cluster <nats://host:port>');
      if (opts.cluster !== undefined && opts.role !== 'gateway' && opts.role !== 'worker')
        throw new InvalidArgumentError(`--role: "${opts.role ?? ''}" is not gateway or worker`);
      if (opts.cluster !== undefined && opts.role === 'worker') return serveWorker(opts, opts.cluster);
      // The lease may be lost at any time after the store opens: the handler stops whichever service runs then.
      const running: { service?: Service } = {};
      const config = configOf(
        opts,
        writerOptions(opts, () => running.service),
      );
      const service =
        opts.cluster === undefined
          ? await createService(config, venues === undefined ? {} : { venues })
          : await startGateway(config, {
              natsUrl: opts.cluster,
              clusterName: opts.clusterName,
              partitions: opts.partitions,
            });
      running.service = service;
      onSignals(service, config.shutdownTimeoutMs);
      const url = await service.listen();
      announce(service, url);
    });
}
