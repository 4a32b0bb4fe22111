// Rows read back at start are parsed with this version's rules. A row they refuse (stored by an earlier version
// with looser rules, or edited by hand) stops the start with an error naming the row and the field; it is
// neither skipped (the balances would change silently) nor left to surface as a bare validation error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StoredRowError } from '../../src/service/storedRow.js';
import { startService } from './support.js';

describe('a stored row this version refuses', () => {
  it('stops the start naming the event, its account and the field; the store is left as it was', async () => {
    const { service, store } = await startService();
    try {
      await service.close();
      // An event as an earlier version might have stored it: a transfer amount that is not a decimal.
      const [row] = await store.appendEvents([
        {
          accountId: 'desk-delta',
          seq: 1,
          idempotencyKey: 'old-1',
          kind: 'transfer',
          payload: { asset: 'USDT', amount: '1e999' },
          digest: 'x',
          receivedAt: Date.now(),
        },
      ]);
      await assert.rejects(
        startService({}, { store }).then(({ service: again }) => again.close()),
        (error: unknown) => {
          assert.ok(error instanceof StoredRowError, String(error));
          assert.match(error.message, new RegExp(`event ${row!.id} of account desk-delta \\(seq 1\\)`));
          assert.match(error.message, /\bamount\b/);
          assert.match(error.message, /earlier version or edited by hand/);
          return true;
        },
      );
      // Nothing was dropped or rewritten: the row is still there, as stored.
      const kept = await store.accountEvents('desk-delta', 0, 10);
      assert.deepEqual(
        kept.map((e) => [e.id, e.payload]),
        [[row!.id, { asset: 'USDT', amount: '1e999' }]],
      );
    } finally {
      await store.close();
    }
  });
});
