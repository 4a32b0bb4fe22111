// Helpers every route uses: who calls, and whether the node they name is within their key's subtree.
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth.js';
import type { ServiceContext } from '../context.js';
import { HttpError } from '../httpError.js';

/** Returns the caller (authenticated by the onRequest hook). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new HttpError(401, 'missing API key');
  return request.principal;
}

/** Returns the caller when `id` is within its subtree; otherwise 404, as for an account that does not exist. */
export function visibleNode(ctx: ServiceContext, request: FastifyRequest, id: string): Principal {
  const principal = principalOf(request);
  if (!ctx.state.isWithin(principal.root, id)) throw new HttpError(404, 'not found');
  return principal;
}

/** Throws 403 unless the key covers the whole tree (market data moves every account). */
export function requireWholeTree(principal: Principal): void {
  if (principal.root !== null) throw new HttpError(403, 'this needs a key for the whole account tree');
}

/** Returns the parent id when the caller may see it, else null (a key's root shows no parent). */
export function shownParent(
  ctx: ServiceContext,
  principal: Principal,
  parent: string | null | undefined,
): string | null {
  return parent !== null && parent !== undefined && ctx.state.isWithin(principal.root, parent)
    ? parent
    : null;
}

/** Returns the OpenAPI fields shared by authenticated routes. */
export function doc(tag: string, summary: string): { tags: string[]; summary: string } {
  return { tags: [tag], summary };
}
