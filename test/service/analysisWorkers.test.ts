// The analysis worker thread: a task's result is the library function's result on the same book, and its errors
// come back as the classes the routes turn into status codes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError, parseBook, parseText, resolveBook } from '../../src/core/index.js';
import { runStress } from '../../src/risk/stress.js';
import { parseScenario } from '../../src/risk/stressScenario.js';
import { AnalysisWorkers } from '../../src/service/analysisWorkers.js';

const book = parseBook(parseText(readFileSync('examples/fund.book.yaml', 'utf8')));

describe('AnalysisWorkers', () => {
  it('returns runStress of the book, and InputError with its paths for a bad scenario', async () => {
    const workers = new AnalysisWorkers();
    try {
      const scenario = parseScenario({
        name: 'x',
        moves: { BTC: { price: -0.2, volShiftRelative: 0.3, volShiftAbsolute: 0.05 } },
        funding: { BTC: { rate: 0.001, intervals: 2 } },
      });
      const [threaded, again] = await Promise.all([
        workers.run({ kind: 'stress', book, scenario }),
        workers.run({ kind: 'stress', book, scenario: { ...scenario, name: 'y' } }),
      ]);
      assert.deepEqual(threaded, runStress(resolveBook(book), scenario));
      assert.equal(again.scenario.name, 'y', 'each answer goes to its own task');
      const usd = parseScenario({ name: 'usd', moves: { USD: { price: -0.1 } } });
      await assert.rejects(
        workers.run({ kind: 'stress', book, scenario: usd }),
        (e: unknown) => e instanceof InputError && e.issues[0]?.path === 'usd.moves.USD',
      );
    } finally {
      await workers.close();
    }
    await assert.rejects(
      workers.run({ kind: 'stress', book, scenario: parseScenario({ moves: {} }) }),
      /closed/,
    );
  });
});
