// Every route documents its answer: /openapi.json holds a 2xx (or, for the WebSocket, 101) response schema for
// each operation, and the service's real answers parse with the zod schemas those documents come from.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import * as answers from '../../src/service/responseSchemas.js';
import { serviceFixture } from './support.js';

// src/service/routes/events.ts is edited by another change in flight; its answers are described here
// (answers.eventAckSchema, answers.eventListSchema) and the route declares them once that change lands. The
// list must shrink: an entry that is documented fails the test, so it cannot outlive its reason.
const PENDING: string[] = [];

const fx = serviceFixture();
const { call, settle } = fx;

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }>; description?: string }>;
}

describe('OpenAPI response schemas', () => {
  it('every operation declares a 2xx answer with a schema (204: none; WebSocket: 101)', async () => {
    const doc = (await call('GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    const missing: string[] = [];
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        operations++;
        const codes = Object.keys(op.responses ?? {});
        const ok = codes.some((code) => {
          const r = op.responses![code]!;
          if (code === '204') return true;
          const schema = Object.values(r.content ?? {})[0]?.schema;
          return (/^2\d\d$/.test(code) || code === '101') && schema !== undefined;
        });
        if (!ok) missing.push(`${method.toUpperCase()} ${path}`);
      }
    assert.ok(operations >= 30, `only ${operations} operations documented`);
    assert.deepEqual(
      missing.filter((m) => !PENDING.includes(m)),
      [],
      'operations without a documented answer',
    );
    assert.deepEqual(
      PENDING.filter((m) => !missing.includes(m)),
      [],
      'documented now: remove from PENDING',
    );
  });

  it('the service’s answers parse with the schemas it documents', async () => {
    await settle();
    const get: [string, z.ZodType][] = [
      ['/healthz', answers.healthSchema],
      ['/readyz', answers.readinessSchema],
      ['/v1/margin', answers.marginListSchema],
      ['/v1/nodes/fund/margin?explain=true', answers.nodeMarginAnswerSchema],
      ['/v1/nodes/deribit-pm/liquidation', answers.liquidationAnswerSchema],
      ['/v1/nodes/fund/history', answers.historyAnswerSchema],
      ['/v1/alerts', answers.alertsAnswerSchema],
      ['/v1/nodes/fund/scenarios', answers.scenarioGridsAnswerSchema],
      ['/v1/nodes/fund/ladder', answers.ladderAnswerSchema],
      ['/v1/accounts', answers.accountListSchema],
      ['/v1/accounts/okx-cross', answers.accountSchema],
      ['/v1/accounts/okx-cross/events', answers.eventListSchema],
      ['/v1/tree', answers.treeAnswerSchema],
      ['/v1/instruments', answers.instrumentListSchema],
      ['/v1/market', answers.marketAnswerSchema],
      ['/v1/keys', answers.apiKeyListSchema],
      ['/v1/webhooks', answers.webhookListSchema],
    ];
    for (const [url, schema] of get) {
      const r = await call('GET', url);
      assert.equal(r.status, 200, url);
      const parsed = schema.safeParse(r.body);
      assert.ok(parsed.success, `${url}: ${parsed.error?.message}`);
    }
    const post: [string, unknown, z.ZodType][] = [
      ['/v1/stress', { moves: { BTC: { price: -0.1, volShiftAbsolute: 0.05 } } }, answers.stressAnswerSchema],
      [
        '/v1/accounts/deribit-pm/what-if',
        { trades: [{ instrument: 'BTC-26JUN20', quantity: '1' }] },
        answers.whatIfAnswerSchema,
      ],
      ['/v1/allocation', { instrument: 'BTC-26JUN20', quantity: '1' }, answers.allocationAnswerSchema],
      ['/v1/cascade', { underlying: 'BTC', shock: -0.05, population: 100 }, answers.cascadeAnswerSchema],
    ];
    for (const [url, body, schema] of post) {
      const r = await call('POST', url, body);
      assert.equal(r.status, 200, url);
      const parsed = schema.safeParse(r.body);
      assert.ok(parsed.success, `${url}: ${parsed.error?.message}`);
    }
  });
});
