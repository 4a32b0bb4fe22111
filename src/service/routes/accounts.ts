// The account tree and instruments: read within the key's subtree; created by admin keys.
import type { FastifyInstance } from 'fastify';
import { InputError, instrumentSchema, resolveBook, type Instrument } from '../../core/index.js';
import { checkRulebooks } from '../../margin/index.js';
import { accountDefinitionSchema, type AccountDefinition } from '../bookState.js';
import type { ServiceContext } from '../context.js';
import * as answers from '../responseSchemas.js';
import { HttpError } from '../httpError.js';
import { idParams } from '../schemas.js';
import { doc, principalOf, requireWholeTree, shownParent, visibleNode } from './common.js';
import type { Principal } from '../auth.js';

interface TreeNode {
  id: string;
  name?: string;
  venue?: string;
  model: string;
  children: TreeNode[];
}

function treeOf(ctx: ServiceContext, id: string): TreeNode {
  const a = ctx.state.accounts.get(id)!;
  return {
    id,
    ...(a.name === undefined ? {} : { name: a.name }),
    ...(a.venue === undefined ? {} : { venue: a.venue }),
    model: a.rulebook ?? a.model ?? ctx.state.settings.model,
    children: ctx.state.children(id).map((c) => treeOf(ctx, c)),
  };
}

function accountView(
  ctx: ServiceContext,
  principal: Principal,
  a: AccountDefinition,
): Record<string, unknown> {
  const ledger = ctx.state.ledger(a.id);
  return {
    ...a,
    parent: shownParent(ctx, principal, a.parent),
    seq: ledger.seq,
    balances: [...ledger.balances].map(([asset, amount]) => ({ asset, amount })),
    positions: [...ledger.positions].map(([instrument, p]) => ({ instrument, ...p })),
  };
}

const newAccountSchema = accountDefinitionSchema;

/** The separator of an id's namespace: `desk-delta/hedge` belongs to `desk-delta`. */
const NAMESPACE = '/';

/** Returns the ids an id is namespaced under: `a/b/c` gives `a` and `a/b`. */
function namespacesOf(id: string): string[] {
  const parts = id.split(NAMESPACE);
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join(NAMESPACE));
}

/**
 * Checks a new account's id and parent for the caller, in an order that tells a key limited to a subtree
 * nothing about ids outside it: the parent (404 unless within the subtree), then the id's text alone (403
 * unless it starts with the key's root and `/`), then the namespace rule every key keeps (an id under `R/` is
 * created within R, and never above ids already under it), so that an id in a key's namespace can only be in
 * its subtree; only then whether the id is taken (409).
 */
function checkNewAccount(ctx: ServiceContext, principal: Principal, def: AccountDefinition): void {
  const parent = def.parent ?? null;
  const { root } = principal;
  if (root !== null && (parent === null || !ctx.state.isWithin(root, parent)))
    throw new HttpError(404, 'parent not found');
  if (parent !== null && !ctx.state.accounts.has(parent)) throw new HttpError(404, 'parent not found');
  if (root !== null && !def.id.startsWith(`${root}${NAMESPACE}`))
    throw new HttpError(403, `a key limited to a subtree creates ids that start with its root and "/"`, {
      hint: `e.g. "${root}${NAMESPACE}new-account"`,
    });
  const owner = namespacesOf(def.id).find(
    (ns) => ctx.state.accounts.has(ns) && (parent === null || !ctx.state.isWithin(ns, parent)),
  );
  if (owner !== undefined)
    throw new InputError([
      { path: 'body.parent', message: `an id under "${owner}/" is created within ${owner}'s subtree` },
    ]);
  const under = `${def.id}${NAMESPACE}`;
  const below = [...ctx.state.accounts.keys()].find((id) => id.startsWith(under));
  if (below !== undefined && !ctx.state.accounts.has(def.id))
    throw new InputError([
      { path: 'body.id', message: `"${below}" exists outside the new account's subtree: choose another id` },
    ]);
  if (ctx.state.accounts.has(def.id)) throw new HttpError(409, 'account already exists');
}

async function createAccount(
  ctx: ServiceContext,
  principal: Principal,
  def: AccountDefinition,
): Promise<void> {
  const parent = def.parent ?? null;
  checkNewAccount(ctx, principal, def);
  const book = ctx.state.toBook();
  const candidate = { ...book, accounts: [...book.accounts, { ...def, balances: [], positions: [] }] };
  try {
    checkRulebooks(resolveBook(candidate));
  } catch (error) {
    if (error instanceof InputError)
      throw new InputError(
        error.issues.map((i) => ({ ...i, path: `body${i.path.replace(/^accounts\[\d+\]/, '')}` })),
      );
    if (error instanceof RangeError) throw new InputError([{ path: 'body', message: error.message }]);
    throw error;
  }
  await ctx.store.putAccounts([{ id: def.id, parent, definition: def, createdAt: ctx.now() }]);
  ctx.state.accounts.set(def.id, def);
  ctx.state.touch();
  ctx.metrics.accounts.set(ctx.state.accounts.size);
  ctx.recomputer.schedule();
}

/**
 * Throws InputError (at `body.<field>`) when the book's rules refuse the instrument itself: an underlying or quote
 * with no index price, an expiry already past. Its market quote (an option's vol, a token's NAV) may come later:
 * it is checked when an account holds the instrument.
 */
function checkInstrument(ctx: ServiceContext, instrument: Instrument): void {
  const book = { ...ctx.state.settings, instruments: [instrument], accounts: [], market: ctx.state.market };
  try {
    resolveBook(book);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const own = error.issues.filter((i) => i.path.startsWith('instruments[0]'));
    if (own.length > 0)
      throw new InputError(own.map((i) => ({ ...i, path: i.path.replace(/^instruments\[0\]/, 'body') })));
  }
}

async function addInstrument(ctx: ServiceContext, instrument: Instrument): Promise<void> {
  if (ctx.state.instruments.has(instrument.id)) throw new HttpError(409, 'instrument already exists');
  checkInstrument(ctx, instrument);
  await ctx.store.putInstruments([{ id: instrument.id, definition: instrument, createdAt: ctx.now() }]);
  ctx.state.instruments.set(instrument.id, instrument);
  // Ticks replayed at start move every instrument known then: a snapshot now keeps replays exact.
  await ctx.market.compact();
}

function registerListAccounts(app: FastifyInstance, ctx: ServiceContext): void {
  app.get(
    '/v1/accounts',
    {
      config: { scope: 'read' },
      schema: {
        ...doc('accounts', 'Accounts within the key’s subtree'),
        response: { 200: ctx.schemas.response(answers.accountListSchema, 'The accounts') },
      },
    },
    (request) => {
      const p = principalOf(request);
      return {
        accounts: ctx.state.subtree(p.root).map((id) => accountView(ctx, p, ctx.state.accounts.get(id)!)),
      };
    },
  );
}

function registerGetAccount(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  app.get<{ Params: { id: string } }>(
    '/v1/accounts/:id',
    {
      config: { scope: 'read' },
      schema: {
        ...doc('accounts', 'One account: definition, balances, positions, last sequence number'),
        params: s.json(idParams),
        response: { 200: ctx.schemas.response(answers.accountSchema, 'The account') },
      },
    },
    (request) => {
      const p = visibleNode(ctx, request, request.params.id);
      return accountView(ctx, p, ctx.state.accounts.get(request.params.id)!);
    },
  );
}

function registerCreateAccount(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  app.post<{ Body: AccountDefinition }>(
    '/v1/accounts',
    {
      config: { scope: 'admin' },
      schema: {
        ...doc('accounts', 'Create an account under a parent within the key’s subtree'),
        body: s.json(newAccountSchema),
        response: { 201: ctx.schemas.response(answers.accountSchema, 'The account created') },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      await createAccount(ctx, p, request.body);
      return reply.code(201).send(accountView(ctx, p, request.body));
    },
  );
}

function registerTree(app: FastifyInstance, ctx: ServiceContext): void {
  app.get(
    '/v1/tree',
    {
      config: { scope: 'read' },
      schema: {
        ...doc('accounts', 'The account tree from the key’s root'),
        response: { 200: ctx.schemas.response(answers.treeAnswerSchema, 'The tree') },
      },
    },
    (request) => {
      const p = principalOf(request);
      return { roots: (p.root === null ? ctx.state.roots() : [p.root]).map((id) => treeOf(ctx, id)) };
    },
  );
}

function registerListInstruments(app: FastifyInstance, ctx: ServiceContext): void {
  app.get(
    '/v1/instruments',
    {
      config: { scope: 'read' },
      schema: {
        ...doc('instruments', 'Instruments'),
        response: { 200: ctx.schemas.response(answers.instrumentListSchema, 'The instruments') },
      },
    },
    () => ({ instruments: [...ctx.state.instruments.values()] }),
  );
}

function registerAddInstrument(app: FastifyInstance, ctx: ServiceContext): void {
  const s = ctx.schemas;
  app.post<{ Body: Instrument }>(
    '/v1/instruments',
    {
      config: { scope: 'admin' },
      schema: {
        ...doc('instruments', 'Add an instrument (key for the whole tree)'),
        body: s.json(instrumentSchema),
        response: { 201: ctx.schemas.response(answers.instrumentSchema, 'The instrument added') },
      },
    },
    async (request, reply) => {
      requireWholeTree(principalOf(request));
      await addInstrument(ctx, request.body);
      return reply.code(201).send(request.body);
    },
  );
}

/** Registers accounts, tree and instruments routes. */
export function registerAccountRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerListAccounts(app, ctx);
  registerGetAccount(app, ctx);
  registerCreateAccount(app, ctx);
  registerTree(app, ctx);
  registerListInstruments(app, ctx);
  registerAddInstrument(app, ctx);
}
