// A node's collateral by venue and asset (GET /v1/nodes/{id}/collateral): the equity lines of every account in
// its subtree (as the latest recompute valued them, haircuts applied), summed per venue and asset, with loans
// (negative balances) apart from holdings so that a borrow at one account never hides behind a holding at
// another. The lines after haircuts add up to the node's equity.
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ReportNode } from '../../report/index.js';
import type { ServiceContext } from '../context.js';
import { HttpError } from '../httpError.js';
import * as answers from '../responseSchemas.js';
import { idParams } from '../schemas.js';
import { doc, visibleNode } from './common.js';

type Answer = z.output<typeof answers.nodeCollateralAnswerSchema>;
type Venue = Answer['venues'][number];
type Line = Venue['lines'][number];
/** An equity line of an account as the report values it (src/aggregate/collateral.ts). */
type ReportLine = ReportNode['collateral'][number];

function kindOf(l: ReportLine): Line['kind'] {
  if (l.instrument !== undefined) return 'position';
  return l.amount < 0 ? 'loan' : 'asset';
}

function addLine(lines: Map<string, Line>, account: string, l: ReportLine): void {
  const kind = kindOf(l);
  const asset = l.asset ?? l.instrument ?? '';
  const key = `${kind}\u0000${asset}`;
  const line = lines.get(key) ?? {
    kind,
    asset,
    amount: 0,
    price: l.price,
    value: 0,
    haircut: 0,
    afterHaircut: 0,
    accounts: [],
  };
  line.amount += l.amount;
  line.value += l.value;
  line.afterHaircut += l.valueAfterHaircut;
  line.haircut = line.value === 0 ? 0 : 1 - line.afterHaircut / line.value;
  if (!line.accounts.includes(account)) line.accounts.push(account);
  lines.set(key, line);
}

const loansOf = (lines: readonly Line[]): number =>
  lines.filter((l) => l.kind === 'loan').reduce((a, l) => a + l.value, 0);

/** Returns the collateral of the subtree of `nodes` (root first) grouped by venue and asset. */
export function collateralByVenue(nodes: readonly ReportNode[]): Pick<Answer, 'total' | 'venues'> {
  const byVenue = new Map<string | null, { accounts: string[]; lines: Map<string, Line> }>();
  for (const n of nodes) {
    if (n.collateral.length === 0) continue;
    const venue = n.venue ?? null;
    const group = byVenue.get(venue) ?? { accounts: [], lines: new Map<string, Line>() };
    group.accounts.push(n.id);
    for (const l of n.collateral) addLine(group.lines, n.id, l);
    byVenue.set(venue, group);
  }
  const venues: Venue[] = [...byVenue].map(([venue, g]) => {
    const lines = [...g.lines.values()].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
    return {
      venue,
      accounts: g.accounts,
      value: lines.reduce((a, l) => a + l.value, 0),
      afterHaircut: lines.reduce((a, l) => a + l.afterHaircut, 0),
      loans: loansOf(lines),
      lines,
    };
  });
  venues.sort((a, b) => b.afterHaircut - a.afterHaircut);
  const total = {
    value: venues.reduce((a, v) => a + v.value, 0),
    afterHaircut: venues.reduce((a, v) => a + v.afterHaircut, 0),
    loans: venues.reduce((a, v) => a + v.loans, 0),
  };
  return { total, venues };
}

/** Registers GET /v1/nodes/{id}/collateral. */
export function registerCollateralRoute(app: FastifyInstance, ctx: ServiceContext): void {
  app.get<{ Params: { id: string } }>(
    '/v1/nodes/:id/collateral',
    {
      config: { scope: 'read' },
      schema: {
        ...doc('margin', 'A node’s collateral by venue and asset: haircuts applied, loans apart'),
        params: ctx.schemas.json(idParams),
        response: {
          200: ctx.schemas.response(answers.nodeCollateralAnswerSchema, 'The collateral by venue and asset'),
        },
      },
    },
    (request): Answer => {
      const id = request.params.id;
      visibleNode(ctx, request, id);
      const l = ctx.recomputer.latest;
      const node = l?.nodes.get(id);
      if (l === undefined || node === undefined) throw new HttpError(503, 'margin not computed yet');
      const subtree = ctx.state.subtree(id).flatMap((n) => l.nodes.get(n) ?? []);
      return {
        node: id,
        version: l.version,
        at: new Date(l.at).toISOString(),
        reportingCurrency: l.report.reportingCurrency,
        equity: node.equity,
        ...collateralByVenue(subtree),
      };
    },
  );
}
