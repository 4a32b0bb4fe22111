// A bounded run of the HTTP fuzzer (fuzz/http.ts; `npm run fuzz` runs it long): about 3,000 requests over the
// service's own OpenAPI document, with keys of every scope and subtree, and fuzzed WebSocket messages. No 5xx, no
// account outside a key's subtree in any answer, nothing changed by a refused request.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { runHttpFuzz } from '../../fuzz/http.js';

it('survives a bounded HTTP fuzz run without a 5xx, a leak or a change made by a refused request', async () => {
  // A fixed seed: CI runs the same requests every time; FUZZ_SEED picks others.
  const seed = Number(process.env.FUZZ_SEED ?? 20261204);
  // The request count bounds the run; the time bound keeps it under a minute on a loaded machine.
  const figures = await runHttpFuzz({ requests: 3_000, seconds: 50, seed, webSocketMessages: 20 });
  assert.deepEqual(figures.failures, [], `seed ${seed}`);
  // The run reached the handlers, not only the refusals: answers of every class were seen.
  const statuses = Object.keys(figures.byStatus).map(Number);
  for (const status of [200, 201, 400, 401, 403, 404])
    assert.ok(statuses.includes(status), `no ${status} in ${JSON.stringify(figures.byStatus)}`);
  assert.ok(figures.requests >= 500, `${figures.requests} requests`);
  assert.ok(figures.webSocketMessages > 0);
});
