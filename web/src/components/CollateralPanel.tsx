// Collateral allocation: the transfers between accounts (and from a pool held outside the venues) that
// maximise the move of every underlying all accounts survive (POST /v1/collateral/allocation).
import { useState } from 'preact/hooks';
import type { Api } from '../api';
import { messageOf } from '../api';
import { money, percent, quantity } from '../format';
import type { CollateralAnswer } from '@api';

/**
 * Returns a survivable move in words. It is the nearest liquidation move of any underlying, up or down, so it
 * carries no sign; past 100% it can only be a rise (a price does not fall by more than all of it); at the
 * search limit no liquidation was found at all.
 */
export function survivableText(d: number, limit: number): string {
  if (d >= limit) return `none within +${percent(limit, 0)}`;
  if (d >= 1) return `a rise of ${percent(d)}`;
  return `a move of ${percent(d)}`;
}

function Transfers({ r, currency }: { r: CollateralAnswer; currency: string }) {
  if (r.transfers.length === 0)
    return <p data-testid="no-transfers">No transfer would widen the smallest survivable move.</p>;
  return (
    <div class="table-scroll">
      <table class="data" data-testid="transfers">
        <caption>Recommended transfers</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Asset</th>
            <th scope="col">Amount (asset)</th>
            <th scope="col">Fee (asset)</th>
            <th scope="col">Received (asset)</th>
            <th scope="col">Value ({currency})</th>
          </tr>
        </thead>
        <tbody>
          {r.transfers.map((t, i) => (
            <tr key={`${t.from}-${t.to}-${t.asset}-${i}`}>
              <td>{t.from}</td>
              <td>{t.to}</td>
              <td>{t.asset}</td>
              <td class="num">{quantity(t.amount)}</td>
              <td class="num">{quantity(t.fee)}</td>
              <td class="num">{quantity(t.received)}</td>
              <td class="num">{money(t.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Survival({ r }: { r: CollateralAnswer }) {
  const distance = (d: number): string => survivableText(d, r.searchLimit);
  return (
    <div class="table-scroll">
      <table class="data">
        <caption>
          Nearest liquidation move per account (any underlying, up or down): {distance(r.before)} before,{' '}
          {distance(r.after)} after
        </caption>
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Venue</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {r.accounts.map((a) => (
            <tr key={a.id}>
              <th scope="row">{a.id}</th>
              <td>{a.venue ?? ''}</td>
              <td class="num">{distance(a.before)}</td>
              <td class="num">{distance(a.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CollateralPanel({ api, currency }: { api: Api; currency: string }) {
  const [pool, setPool] = useState('');
  const [asset, setAsset] = useState('USDT');
  const [result, setResult] = useState<CollateralAnswer | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);

  const run = (e: Event): void => {
    e.preventDefault();
    setStatus('Searching the transfers (root-finding on every account)…');
    const amount = Number(pool);
    const body = pool.trim() !== '' && amount > 0 ? { pool: { [asset]: amount } } : {};
    api.post<CollateralAnswer>('v1/collateral/allocation', body).then(
      (r) => {
        setResult(r);
        setStatus(
          r.feasible ? undefined : 'An account is liquidatable now and nothing can save it: no transfers.',
        );
      },
      (err: unknown) => setStatus(messageOf(err)),
    );
  };

  return (
    <form class="analysis-form" onSubmit={run}>
      <div class="fields">
        <label>
          Pool amount (optional)
          <input
            inputMode="decimal"
            value={pool}
            placeholder="0"
            onInput={(e) => setPool(e.currentTarget.value)}
          />
        </label>
        <label>
          Pool asset
          <input
            value={asset}
            maxLength={16}
            onInput={(e) => setAsset(e.currentTarget.value.toUpperCase())}
          />
        </label>
        <button type="submit">Recommend transfers</button>
      </div>
      <p aria-live="polite">{status}</p>
      {result !== undefined && (
        <div data-testid="collateral-result">
          <Transfers r={result} currency={currency} />
          <Survival r={result} />
        </div>
      )}
    </form>
  );
}
