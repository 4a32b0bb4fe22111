// History over days: the recompute rows of a recent window at full resolution, older ones rolled up into
// minute buckets, older minutes into hour buckets, per node (table margin_history_buckets). The same SQL runs on
// PGlite and PostgreSQL. A bucket keeps its last figures (the latest row by time, as a chart of "the figures
// then" needs), the extremes a risk reader needs (lowest and highest equity, highest IM, MM and MM / equity, the
// worst status) and how many recompute rows it stands for. Rolling up a level is one fenced transaction:
// insert (or merge into) the coarser buckets, delete the finer rows.
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { HistoryPoint, HistoryQuery, HistoryRollup } from './types.js';

type Executor = Pick<PgDatabase<PgQueryResultHKT>, 'execute'>;

/** One level of the roll-up: rows older than `afterMs` (from the newest history time) go into `resolution` buckets. */
export interface HistoryLevel {
  /** Bucket length in ms; buckets are aligned to the epoch (UTC minutes, hours). */
  resolution: number;
  /** How long the finer level is kept before it is rolled up into this one. */
  afterMs: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Recompute rows for a day, minute buckets for a week, hour buckets from then on (kept). */
export const HISTORY_LEVELS: readonly HistoryLevel[] = [
  { resolution: MINUTE_MS, afterMs: DAY_MS },
  { resolution: HOUR_MS, afterMs: 7 * DAY_MS },
];

/** How often appends trigger a roll-up (by the rows' own times, the service clock). */
export const ROLLUP_EVERY_MS = MINUTE_MS;

/** Returns SQL ranking a status column: the worst status of a bucket is the one of highest rank. */
function rank(column: string): string {
  return `(case ${column} when 'liquidation' then 4 when 'marginCall' then 3 when 'warning' then 2 else 1 end)`;
}

/** Recompute rows in the bucket form (a row is a bucket of one, resolution 0). */
const rawRows = (
  where: SQL,
): SQL => sql`select node_id, 0::bigint as resolution, at, id as ord, version, equity,
  im, mm, margin_ratio, status, equity as equity_min, equity as equity_max, im as im_max, mm as mm_max,
  margin_ratio as margin_ratio_max, status as worst_status, 1::bigint as count
  from margin_history where ${where}`;

const bucketRows = (where: SQL): SQL => sql`select node_id, resolution, at, 0::bigint as ord, version, equity,
  im, mm, margin_ratio, status, equity_min, equity_max, im_max, mm_max, margin_ratio_max, worst_status, count
  from margin_history_buckets where ${where}`;

/**
 * Returns the select that groups rows in the bucket form (`source`) by node and `resolution` bucket: the last
 * row's figures, the extremes and the count. The one aggregation of both the roll-up and the query.
 */
function grouped(source: SQL, resolution: number): SQL {
  // A literal, not a parameter: PostgreSQL matches a select expression to the GROUP BY one only when they are
  // the same text, and two parameters are two expressions.
  if (!Number.isSafeInteger(resolution) || resolution <= 0) throw new RangeError(`resolution ${resolution}`);
  const r = sql.raw(`${resolution}::bigint`);
  const last = (column: string): SQL => sql`(array_agg(${sql.raw(column)} order by at desc, ord desc))[1]`;
  return sql`select node_id, greatest(${r}, max(resolution)) as resolution,
    (at / ${r}) * ${r} as bucket_start, max(at) as at,
    ${last('version')} as version, ${last('equity')} as equity, ${last('im')} as im, ${last('mm')} as mm,
    ${last('margin_ratio')} as margin_ratio, ${last('status')} as status,
    min(equity_min) as equity_min, max(equity_max) as equity_max, max(im_max) as im_max, max(mm_max) as mm_max,
    max(margin_ratio_max) as margin_ratio_max,
    (array_agg(worst_status order by ${sql.raw(rank('worst_status'))} desc, at desc))[1] as worst_status, sum(count)::bigint as count
    from (${source}) as source group by node_id, at / ${r}`;
}

const rowsOf = (result: unknown): Record<string, unknown>[] =>
  (result as { rows: Record<string, unknown>[] }).rows;

const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Rolls the rows of the level finer than `levels[index]` older than its cutoff into its buckets and deletes
 * them; returns how many finer rows went. The cutoff is aligned to the bucket, so only whole buckets move.
 */
async function rollUpLevel(
  tx: Executor,
  levels: readonly HistoryLevel[],
  index: number,
  now: number,
): Promise<number> {
  const level = levels[index]!;
  const r = level.resolution;
  const cutoff = Math.floor((now - level.afterMs) / r) * r;
  if (cutoff <= 0) return 0;
  const finer = index === 0 ? 0 : levels[index - 1]!.resolution;
  const older = sql`at < ${cutoff}::bigint`;
  const source = finer === 0 ? rawRows(older) : bucketRows(sql`resolution = ${finer}::bigint and ${older}`);
  // A bucket already there (rows that came late into a rolled-up bucket) is merged: the later figures win.
  const keep = (column: string): SQL =>
    sql.raw(
      `${column} = case when excluded.at >= margin_history_buckets.at then excluded.${column} else margin_history_buckets.${column} end`,
    );
  await tx.execute(sql`insert into margin_history_buckets (node_id, resolution, bucket_start, at, version, equity,
      im, mm, margin_ratio, status, equity_min, equity_max, im_max, mm_max, margin_ratio_max, worst_status, count)
    select node_id, ${r}::bigint, bucket_start, at, version, equity, im, mm, margin_ratio, status, equity_min,
      equity_max, im_max, mm_max, margin_ratio_max, worst_status, count from (${grouped(source, r)}) as g
    on conflict (node_id, resolution, bucket_start) do update set
      ${keep('version')}, ${keep('equity')}, ${keep('im')}, ${keep('mm')}, ${keep('margin_ratio')},
      ${keep('status')}, at = greatest(excluded.at, margin_history_buckets.at),
      equity_min = least(excluded.equity_min, margin_history_buckets.equity_min),
      equity_max = greatest(excluded.equity_max, margin_history_buckets.equity_max),
      im_max = greatest(excluded.im_max, margin_history_buckets.im_max),
      mm_max = greatest(excluded.mm_max, margin_history_buckets.mm_max),
      margin_ratio_max = greatest(excluded.margin_ratio_max, margin_history_buckets.margin_ratio_max),
      worst_status = case when ${sql.raw(rank('excluded.worst_status'))} > ${sql.raw(rank('margin_history_buckets.worst_status'))}
        then excluded.worst_status else margin_history_buckets.worst_status end,
      count = excluded.count + margin_history_buckets.count`);
  const deleted =
    finer === 0
      ? await tx.execute(sql`delete from margin_history where ${older} returning 1`)
      : await tx.execute(
          sql`delete from margin_history_buckets where resolution = ${finer}::bigint and ${older} returning 1`,
        );
  return rowsOf(deleted).length;
}

/**
 * Rolls history up as of `now` (epoch ms, the service clock), finest level first, each level in one transaction
 * from `transaction`; returns how many rows each level took in.
 */
export async function rollUpHistory(
  transaction: <T>(work: (tx: Executor) => Promise<T>) => Promise<T>,
  now: number,
  levels: readonly HistoryLevel[] = HISTORY_LEVELS,
): Promise<HistoryRollup> {
  const rolled: HistoryRollup['levels'] = [];
  for (let i = 0; i < levels.length; i++) {
    const rows = await transaction((tx) => rollUpLevel(tx, levels, i, now));
    rolled.push({ resolution: levels[i]!.resolution, rows });
  }
  return { now, levels: rolled };
}

/**
 * Returns a node's history in [from, to] (epoch ms), newest first, at most `limit` points: every level stored,
 * grouped into `resolution` buckets when it is above 0 (a stored bucket coarser than that is returned as is).
 */
export async function historyPoints(db: Executor, nodeId: string, q: HistoryQuery): Promise<HistoryPoint[]> {
  const inRange = sql`node_id = ${nodeId} and at >= ${q.from}::bigint and at <= ${q.to}::bigint`;
  const all = sql`${rawRows(inRange)} union all ${bucketRows(inRange)}`;
  const source = q.resolution > 0 ? grouped(all, q.resolution) : all;
  const result = await db.execute(
    sql`select * from (${source}) as points order by at desc limit ${q.limit}::bigint`,
  );
  return rowsOf(result).map((row) => ({
    nodeId,
    resolution: Number(row.resolution),
    at: Number(row.at),
    version: Number(row.version),
    equity: Number(row.equity),
    im: Number(row.im),
    mm: Number(row.mm),
    marginRatio: numberOrNull(row.margin_ratio),
    status: String(row.status),
    equityMin: Number(row.equity_min),
    equityMax: Number(row.equity_max),
    imMax: Number(row.im_max),
    mmMax: Number(row.mm_max),
    marginRatioMax: numberOrNull(row.margin_ratio_max),
    worstStatus: String(row.worst_status),
    count: Number(row.count),
  }));
}
