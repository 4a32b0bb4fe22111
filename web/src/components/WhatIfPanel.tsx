// What-if: a trade on an account, priced before it is booked. The incremental IM (at the account and each
// ancestor) is shown as the trade is typed; "Book trade" then sends it as a fill event with the account's next seq.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Api } from '../api';
import { messageOf } from '../api';
import { money, signedMoney } from '../format';
import type { Account, Instrument, Market, WhatIfAnswer } from '@api';
import type { TreeRowInfo } from '../useDesk';
import { useRequest } from '../useRequest';
import { Field, SelectField } from './Field';
import { NodeChangeTable } from './NodeChangeTable';

interface Props {
  currency: string;
  api: Api;
  rows: TreeRowInfo[];
  selected: string;
  version: number;
  instruments: Instrument[];
  market: Market | undefined;
}

interface Trade {
  account: string;
  instrument: string;
  qty: string;
  price: string;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** Returns the quantity when it is a non-zero decimal, else undefined. */
function validQuantity(text: string): string | undefined {
  const t = text.trim();
  return DECIMAL.test(t) && Number(t) !== 0 ? t : undefined;
}

/** Returns a default trade price: the instrument's mark, or the spot price of its underlying in its quote. */
function defaultPrice(market: Market | undefined, instrument: Instrument | undefined): string {
  if (market === undefined || instrument === undefined) return '';
  const mark = market.instruments[instrument.id]?.mark;
  if (mark !== undefined) return String(mark);
  const spot = market.prices[instrument.underlying];
  const quote = market.prices[instrument.quote] ?? 1;
  return spot === undefined ? '' : String(Number((spot / quote).toPrecision(10)));
}

/** Books a trade: a fill event with the account's next seq and a fresh idempotency key. */
async function book(
  api: Api,
  account: string,
  trade: { instrument: string; quantity: string; price: string },
) {
  const id = encodeURIComponent(account);
  const { seq } = await api.get<Account>(`v1/accounts/${id}`);
  const event = { kind: 'fill', seq: seq + 1, idempotencyKey: `web-${crypto.randomUUID()}`, ...trade };
  return api.post<{ seq: number }>(`v1/accounts/${id}/events`, event);
}

const MAX_CHOICES = 50;

/** Returns up to MAX_CHOICES account ids containing the typed text (a book can hold 100,000). */
function accountChoices(rows: readonly TreeRowInfo[], typed: string): string[] {
  const needle = typed.trim().toLowerCase();
  const out: string[] = [];
  for (const r of rows) {
    if (out.length === MAX_CHOICES) break;
    if (r.id.toLowerCase().includes(needle) || r.name.toLowerCase().includes(needle)) out.push(r.id);
  }
  return out;
}

interface FieldsProps {
  trade: Trade;
  set: (t: Trade) => void;
  rows: TreeRowInfo[];
  known: boolean;
  instruments: Instrument[];
  pricePlaceholder: string;
  canBook: boolean;
}

function TradeFields({ trade, set, rows, known, instruments, pricePlaceholder, canBook }: FieldsProps) {
  // Scanning 100,000 ids on every live update would cost the page; only typing changes the suggestions.
  const choices = useMemo(() => accountChoices(rows, trade.account), [rows, trade.account]);
  return (
    <div class="fields">
      <Field
        label="Account"
        name="account"
        list="whatif-accounts"
        placeholder="account id"
        value={trade.account}
        invalid={!known}
        onValue={(account) => set({ ...trade, account })}
      />
      <datalist id="whatif-accounts">
        {choices.map((id) => (
          <option key={id} value={id} />
        ))}
      </datalist>
      <SelectField
        label="Instrument"
        value={trade.instrument}
        onValue={(instrument) => set({ ...trade, instrument })}
      >
        {instruments.map((i) => (
          <option key={i.id} value={i.id}>
            {i.id} ({[i.kind, i.venue].filter(Boolean).join(', ')})
          </option>
        ))}
      </SelectField>
      <Field
        label="Quantity (signed)"
        name="quantity"
        inputMode="decimal"
        placeholder="e.g. 1000 or -2.5"
        value={trade.qty}
        invalid={trade.qty !== '' && validQuantity(trade.qty) === undefined}
        onValue={(qty) => set({ ...trade, qty })}
      />
      <Field
        label="Price (for booking)"
        name="price"
        inputMode="decimal"
        placeholder={pricePlaceholder || 'price'}
        value={trade.price}
        onValue={(price) => set({ ...trade, price })}
      />
      <button type="submit" disabled={!canBook}>
        Book trade
      </button>
    </div>
  );
}

function Headline({ answer, loading }: { answer: WhatIfAnswer; loading: boolean }) {
  const own = answer.nodes[0];
  return (
    <p class="headline" data-testid="whatif-result">
      Incremental IM at {answer.account}:{' '}
      <strong class="num" data-field="incrementalIm">
        {signedMoney(answer.incrementalIm)}
      </strong>{' '}
      (IM {money(own?.before.im ?? 0)} →{' '}
      <span class="num" data-field="imAfter">
        {money(own?.after.im ?? 0)}
      </span>
      ){loading ? ' · updating…' : ''}
    </p>
  );
}

export function WhatIfPanel({ api, rows, selected, version, instruments, market, currency }: Props) {
  const [trade, setTrade] = useState<Trade>({ account: selected, instrument: '', qty: '', price: '' });
  const [booked, setBooked] = useState<string | undefined>(undefined);
  useEffect(() => setTrade((t) => ({ ...t, account: selected })), [selected]);
  const chosen = instruments.find((i) => i.id === trade.instrument) ?? instruments[0];
  const quantity = validQuantity(trade.qty);
  const { account } = trade;
  const known = useMemo(() => rows.some((r) => r.id === account), [rows, account]);
  const preview = useRequest(
    chosen === undefined || quantity === undefined || !known
      ? undefined
      : () =>
          api.post<WhatIfAnswer>(`v1/accounts/${encodeURIComponent(account)}/what-if`, {
            trades: [{ instrument: chosen.id, quantity }],
          }),
    [account, chosen?.id, quantity],
    version,
    250,
  );
  const shown = quantity === undefined ? undefined : preview.data;

  const submit = (e: Event): void => {
    e.preventDefault();
    if (chosen === undefined || quantity === undefined) return;
    const price = trade.price.trim() === '' ? defaultPrice(market, chosen) : trade.price.trim();
    setBooked('Booking…');
    book(api, account, { instrument: chosen.id, quantity, price }).then(
      (r) => setBooked(`Booked: ${quantity} ${chosen.id} at ${price} on ${account} (seq ${r.seq}).`),
      (err: unknown) => setBooked(`Not booked: ${messageOf(err)}`),
    );
  };

  return (
    <form class="analysis-form" onSubmit={submit} aria-describedby="whatif-help">
      <p id="whatif-help" class="muted small">
        Type a trade: the margin it adds is computed before anything is booked (full recomputation of the
        book).
      </p>
      <TradeFields
        trade={{ ...trade, instrument: chosen?.id ?? '' }}
        set={setTrade}
        rows={rows}
        known={known}
        instruments={instruments}
        pricePlaceholder={defaultPrice(market, chosen)}
        canBook={shown !== undefined}
      />
      {trade.qty !== '' && quantity === undefined && (
        <p role="alert">The quantity must be a non-zero number.</p>
      )}
      {preview.error !== undefined && quantity !== undefined && <p role="alert">{preview.error}</p>}
      <div aria-live="polite">
        {shown !== undefined && <Headline answer={shown} loading={preview.loading} />}
        {booked !== undefined && <p data-testid="whatif-booked">{booked}</p>}
      </div>
      {shown !== undefined && (
        <NodeChangeTable
          currency={currency}
          caption="The account and its ancestors before and after the trade"
          nodes={shown.nodes}
        />
      )}
    </form>
  );
}
