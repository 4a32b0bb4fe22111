// Collateral allocation runs in the analysis worker thread (issue 18, item 5): while it searches (seconds on the
// example book), the service's own thread keeps answering, so /healthz answers before the allocation does.
// How long the allocation takes is a benchmark's question, not this test's.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../../src/service/service.js';
import type { Store } from '../../src/store/index.js';
import { ADMIN_KEY, startService } from '../service/support.js';

let service: Service;
let store: Store;
let url: string;

before(async () => {
  ({ service, store } = await startService());
  url = await service.listen();
});
after(async () => {
  await service.close();
  await store.close();
});

it('answers /healthz while a collateral allocation runs', async () => {
  let allocationDone = false;
  const allocation = fetch(`${url}/v1/collateral/allocation`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ pool: { USDT: 1_000_000 } }),
  }).then(async (r) => {
    allocationDone = true;
    return { status: r.status, body: (await r.json()) as { transfers?: unknown[] } };
  });
  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(allocationDone, false, 'the health check answered while the allocation was still running');
  const answer = await allocation;
  assert.equal(answer.status, 200);
  assert.ok(Array.isArray(answer.body.transfers));
});
