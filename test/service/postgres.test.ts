// The service against PostgreSQL (skipped with a message when it does not answer, required under CI=true):
// seeded on first start, events acknowledged once, and a restart on the same schema rebuilds the same state.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadBook } from '../../src/core/index.js';
import { buildReport } from '../../src/report/index.js';
import { dropPostgresSchema } from '../../src/store/index.js';
import { createService, type Service } from '../../src/service/service.js';
import { postgresUrl, reportAbsent, uniqueSchema } from '../store/pg.js';
import { caller, testConfig } from './support.js';
import { firstDifference } from '../support/books.js';

describe('service on PostgreSQL', async () => {
  const found = await postgresUrl();
  if (!('url' in found)) {
    reportAbsent(found, it);
    return;
  }
  const { url } = found;
  const schema = uniqueSchema('um_service');
  const config = testConfig({ store: { databaseUrl: url, databaseSchema: schema }, snapshotEvery: 3 });
  let service: Service;
  before(async () => {
    service = await createService(config);
  });
  after(async () => {
    await service.close();
    await dropPostgresSchema(url, schema);
  });

  it('seeds the example and margins it as the library does', async () => {
    assert.equal(service.ctx.store.kind, 'postgres');
    const expected = buildReport(loadBook(readFileSync('examples/fund.book.yaml', 'utf8')), {
      liquidation: false,
    });
    const r = await caller(service)('GET', '/v1/margin');
    assert.equal((r.body.total as { im: number }).im, expected.total.im);
  });

  it('acknowledges events once and rebuilds the same state after a restart', async () => {
    const call = caller(service);
    for (let seq = 1; seq <= 5; seq++) {
      const event = {
        kind: 'fill',
        seq,
        idempotencyKey: `pg-${seq}`,
        instrument: 'BTCUSDT',
        quantity: seq % 2 ? '0.1' : '-0.05',
        price: `${9000 + seq}`,
      };
      assert.equal((await call('POST', '/v1/accounts/binance-um/events', event)).status, 201);
      assert.equal((await call('POST', '/v1/accounts/binance-um/events', event)).status, 200);
    }
    await service.ctx.recomputer.idle();
    const before = (await call('GET', '/v1/margin')).body.nodes;
    const account = (await call('GET', '/v1/accounts/binance-um')).body;
    await service.close();
    service = await createService(config);
    assert.equal(service.replayedEvents, 0, 'a graceful close stores a final snapshot');
    const again = caller(service);
    assert.deepEqual((await again('GET', '/v1/accounts/binance-um')).body, account);
    // The restarted service builds its tree afresh; the first one moved it event by event: equal to rounding.
    const nodes = (await again('GET', '/v1/margin')).body.nodes;
    assert.equal(firstDifference(nodes, before), undefined);
  });
});
