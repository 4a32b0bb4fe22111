// Events: fills, transfers and position changes keep every account equal to gridModel on what it holds;
// a bad event throws InputError naming the field and leaves the state byte for byte as it was.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addressedEventSchema,
  applyEvent as applyToLedger,
  emptyLedger,
  type AccountLedger,
  type AddressedEvent,
  type TickEvent,
} from '../../src/account/index.js';
import { InputError } from '../../src/core/index.js';
import {
  accountMargin,
  applyEvent,
  createEngineFromBook,
  engineAccount,
  type EngineState,
} from '../../src/engine/index.js';
import { bookOf, close, OPTION_IDS, POSITION_IDS, referenceMargin } from './support.js';

const PRICES: Record<string, number> = { BTC: 40_000, ETH: 2_000 };

const eventArbitrary = fc.oneof(
  fc.record({
    kind: fc.constant('fill' as const),
    account: fc.constantFrom('a0', 'a1', 'a2'),
    instrument: fc.constantFrom(...POSITION_IDS, 'BTC/USDT'),
    quantity: fc
      .integer({ min: -40, max: 40 })
      .filter((q) => q !== 0)
      .map((q) => q / 4),
    move: fc.double({ min: 0.8, max: 1.2, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('transfer' as const),
    account: fc.constantFrom('a0', 'a1', 'a3'),
    asset: fc.constantFrom('BTC', 'ETH', 'USDT', 'USDC'),
    amount: fc
      .integer({ min: -5_000, max: 20_000 })
      .filter((x) => x !== 0)
      .map((x) => x / 10),
  }),
  fc.record({
    kind: fc.constant('position' as const),
    account: fc.constantFrom('a0', 'a2', 'a4'),
    instrument: fc.constantFrom(...POSITION_IDS),
    quantity: fc.integer({ min: -20, max: 20 }).map((q) => q / 2),
    move: fc.double({ min: 0.8, max: 1.2, noNaN: true }),
  }),
);

type EventShape = typeof eventArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Returns the event input of a shape: fills at a price moved off the index, premiums for options. */
function eventOf(e: EventShape): Record<string, unknown> {
  if (e.kind === 'transfer') return e;
  const underlying = e.instrument.startsWith('ETH') ? 'ETH' : 'BTC';
  const option = OPTION_IDS.includes(e.instrument);
  const quote = e.instrument === 'ETHBTC' ? PRICES.BTC! : 1;
  const price = option ? 0.01 * e.move : (PRICES[underlying]! / quote) * e.move;
  if (e.kind === 'fill')
    return { kind: 'fill', account: e.account, instrument: e.instrument, quantity: e.quantity, price };
  const deltaOne = !option && e.instrument !== 'BTC3L';
  return {
    kind: 'position',
    account: e.account,
    instrument: e.instrument,
    quantity: e.quantity,
    ...(deltaOne ? { entryPrice: price } : {}),
  };
}

function snapshot(state: EngineState): { bytes: Uint8Array; accounts: number; used: number } {
  return { bytes: state.columns.bytes.slice(), accounts: state.accountIds.length, used: state.slotsUsed };
}

function assertMatchesReference(state: EngineState): void {
  for (const id of state.accountIds) {
    const got = accountMargin(state, id)!;
    const ref = referenceMargin(state, id);
    assert.ok(close(got.mm, ref.mm), `${id} MM ${got.mm} vs gridModel ${ref.mm}`);
    assert.ok(close(got.im, ref.im), `${id} IM ${got.im} vs gridModel ${ref.im}`);
  }
}

describe('engine events', () => {
  it('after any sequence of fills, transfers and position changes, every account matches gridModel', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { minLength: 1, maxLength: 30 }), fc.boolean(), (events, js) => {
        const engine = createEngineFromBook(bookOf([{ positions: [], balances: [] }]), js ? 'js' : 'wasm');
        for (const e of events) applyEvent(engine, eventOf(e));
        assertMatchesReference(engine);
      }),
      { numRuns: 60 },
    );
  });

  it('fills realise P&L into cash at the old entry and average the entry on increases', () => {
    const engine = createEngineFromBook(bookOf([{ positions: [], balances: [] }]));
    const fill = (instrument: string, quantity: number, price: number) =>
      applyEvent(engine, { kind: 'fill', account: 'desk', instrument, quantity, price });
    fill('BTCUSDT', 2, 40_000);
    fill('BTCUSDT', 2, 42_000); // entry (2 x 40,000 + 2 x 42,000) / 4 = 41,000
    fill('BTCUSDT', -1, 43_000); // realises 1 x (43,000 - 41,000) = 2,000 USDT
    // Inverse: 100 contracts of 10 USD bought at 40,000 and sold at 50,000 realise
    // 100 x 10 x (1/40,000 - 1/50,000) = 0.005 BTC.
    fill('BTC-PERPETUAL', 100, 40_000);
    fill('BTC-PERPETUAL', -100, 50_000);
    const account = engineAccount(engine, 'desk')!;
    const perp = account.positions.find((p) => p.instrument.id === 'BTCUSDT')!;
    assert.equal(perp.quantity, 3);
    assert.equal(perp.entryPrice, 41_000);
    assert.equal(account.positions.length, 1);
    const cash = new Map(account.balances.map((b) => [b.asset, b.amount]));
    assert.equal(cash.get('USDT'), 2_000);
    assert.ok(Math.abs(cash.get('BTC')! - 0.005) < 1e-15);
    assertMatchesReference(engine);
  });
});

/** Returns a ledger's holdings as the engine holds them: spot folded into its base asset, entries of options dropped. */
function heldAsEngine(
  ledger: AccountLedger,
  engine: EngineState,
): { cash: Map<string, number>; positions: Map<string, [number, number]> } {
  const cash = new Map([...ledger.balances].map(([asset, amount]) => [asset, Number(amount)]));
  const positions = new Map<string, [number, number]>();
  for (const [id, p] of ledger.positions) {
    const inst = engine.catalog.instruments[engine.catalog.instrumentRow.get(id)!]!;
    if (inst.kind === 'spot')
      cash.set(inst.underlying, (cash.get(inst.underlying) ?? 0) + Number(p.quantity) * inst.contractSize);
    else {
      const deltaOne = inst.kind === 'perpetual' || inst.kind === 'future';
      positions.set(id, [Number(p.quantity), deltaOne ? p.entryPrice! : 0]);
    }
  }
  return { cash, positions };
}

describe('engine and ledger', () => {
  it("the engine applies fills and transfers by the ledger's own rules (one applyEvent)", () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { minLength: 1, maxLength: 30 }), (all) => {
        const shapes = all.filter((e) => e.kind !== 'position');
        fc.pre(shapes.length > 0);
        const engine = createEngineFromBook(bookOf([{ positions: [], balances: [] }]), 'js');
        const ledger = emptyLedger();
        const lookup = (id: string) => engine.catalog.instruments[engine.catalog.instrumentRow.get(id)!];
        for (const shape of shapes) {
          const e = { ...eventOf(shape), account: 'x' };
          applyEvent(engine, e);
          applyToLedger(ledger, addressedEventSchema.parse(e) as Exclude<AddressedEvent, TickEvent>, lookup);
        }
        const want = heldAsEngine(ledger, engine);
        const account = engineAccount(engine, 'x')!;
        for (const b of account.balances) assert.ok(close(b.amount, want.cash.get(b.asset) ?? 0), b.asset);
        for (const [asset, amount] of want.cash)
          assert.ok(close(account.balances.find((b) => b.asset === asset)?.amount ?? 0, amount), asset);
        assert.equal(account.positions.length, want.positions.size);
        for (const p of account.positions) {
          const [quantity, entry] = want.positions.get(p.instrument.id)!;
          assert.ok(close(p.quantity, quantity) && close(p.entryPrice ?? 0, entry), p.instrument.id);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('engine event validation and growth', () => {
  it('a bad event throws InputError naming the field and changes nothing', () => {
    const engine = createEngineFromBook(
      bookOf([{ positions: [{ instrument: 'C42K', quantity: -2, entryFactor: undefined }], balances: [] }]),
    );
    const bad: [Record<string, unknown>, string][] = [
      [{ kind: 'fill', account: 'a0', instrument: 'C42K', quantity: 1, price: -3 }, 'event.price'],
      [{ kind: 'fill', account: 'a0', instrument: 'NOPE', quantity: 1, price: 3 }, 'event.instrument'],
      [{ kind: 'fill', account: 'a0', instrument: 'C42K', quantity: 0, price: 3 }, 'event.quantity'],
      [{ kind: 'transfer', account: 'a0', asset: 'DOGE', amount: 5 }, 'event.asset'],
      [{ kind: 'transfer', account: 'bad id!', asset: 'BTC', amount: 5 }, 'event.account'],
      [{ kind: 'position', account: 'a0', instrument: 'BTC/USDT', quantity: 1 }, 'event.instrument'],
      // The book's rule (core/resolve.ts): a perpetual or future needs its entry for its unrealised P&L.
      [{ kind: 'position', account: 'a0', instrument: 'BTCUSDT', quantity: 1 }, 'event.entryPrice'],
      [
        {
          kind: 'fill',
          account: 'a0',
          instrument: 'C42K',
          quantity: 1,
          price: 3,
          fee: { asset: 'DOGE', amount: 1 },
        },
        'event.fee.asset',
      ],
      [
        { kind: 'adjustment', account: 'a0', positions: [{ instrument: 'NOPE', quantity: 1 }] },
        'event.positions[0].instrument',
      ],
      [{ kind: 'tick', underlying: 'BTC', price: 0 }, 'event.price'],
      [{ kind: 'tick', underlying: 'XRP', price: 1 }, 'event.underlying'],
      [{ kind: 'tick', underlying: 'USD', price: 1 }, 'event.underlying'],
      [{ kind: 'tick', underlying: 'ETH', instruments: { C42K: { iv: 0.5 } } }, 'event.instruments.C42K'],
      [
        { kind: 'tick', underlying: 'BTC', instruments: { BTCUSDT: { iv: 0.5 } } },
        'event.instruments.BTCUSDT.iv',
      ],
      [{ kind: 'swap', account: 'a0' }, 'event.kind'],
    ];
    for (const [event, path] of bad) {
      const before = snapshot(engine);
      const market = engine.market;
      assert.throws(
        () => applyEvent(engine, event),
        (e: unknown) => e instanceof InputError && e.issues.some((i) => i.path === path),
        `expected an InputError at ${path} for ${JSON.stringify(event)}`,
      );
      assert.deepEqual(snapshot(engine), before);
      assert.equal(engine.market, market);
    }
  });

  it('grows past its reserved capacity without changing any result', () => {
    const engine = createEngineFromBook(bookOf([{ positions: [], balances: [] }]));
    const generation = engine.generation;
    for (let k = 0; k < 200; k++) {
      applyEvent(engine, {
        kind: 'fill',
        account: `g${k}`,
        instrument: POSITION_IDS[k % POSITION_IDS.length]!,
        quantity: 1 + (k % 3),
        price: 100,
      });
      applyEvent(engine, { kind: 'transfer', account: `g${k}`, asset: 'BTC', amount: 0.5 });
    }
    assert.ok(engine.generation > generation, 'the memory was replaced at least once');
    assertMatchesReference(engine);
  });
});
