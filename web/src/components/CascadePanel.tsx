// Liquidation cascade: a price shock, the liquidations it triggers among the book's accounts and a generated
// crowd of leveraged accounts, the square-root impact of their orders, and so on until nobody is liquidated.
import { useMemo, useState } from 'preact/hooks';
import type { Api } from '../api';
import { messageOf } from '../api';
import { COLORS } from '../charts/echarts';
import { compact, money, signedPercent } from '../format';
import type { CascadeAnswer } from '@api';
import { EChart } from './EChart';
import { Field, SelectField } from './Field';

interface Props {
  api: Api;
  underlyings: string[];
}

function cascadeOption(r: CascadeAnswer) {
  const steps = ['before', 'shock', ...r.rounds.map((k) => `round ${k.round}`)];
  return {
    grid: { left: 64, right: 64, top: 40, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '' : money(v)) },
    xAxis: { type: 'category', data: steps },
    yAxis: [
      { type: 'value', name: 'price', scale: true, axisLabel: { formatter: (v: number) => compact(v) } },
      {
        type: 'value',
        name: 'notional',
        splitLine: { show: false },
        axisLabel: { formatter: (v: number) => compact(v) },
      },
    ],
    series: [
      {
        name: `${r.underlying} price`,
        type: 'line',
        data: r.pricePath,
        lineStyle: { color: COLORS.price, width: 2 },
        itemStyle: { color: COLORS.price },
      },
      {
        name: 'liquidated notional',
        type: 'bar',
        yAxisIndex: 1,
        data: [null, null, ...r.rounds.map((k) => k.notional)],
        itemStyle: { color: COLORS.loss },
      },
    ],
  };
}

function Outcome({ r }: { r: CascadeAnswer }) {
  const items: [string, string, string][] = [
    ['finalPrice', 'Final price', `${money(r.finalPrice)} (${signedPercent(r.finalMove, 2)})`],
    ['amplification', 'Amplification', `${r.amplification.toFixed(3)}×`],
    ['rounds', 'Rounds', String(r.rounds.length)],
    ['liquidated', 'Accounts liquidated', r.liquidatedAccounts.toLocaleString('en-US')],
    ['notional', 'Notional liquidated', money(r.liquidatedNotional)],
    ['bankrupt', 'Bankrupt accounts', r.bankruptAccounts.toLocaleString('en-US')],
    ['deficit', 'Deficit', money(r.deficit)],
    ['insurance', 'Insurance fund draw', money(r.insuranceFundDraw)],
    ['socialised', 'Socialised loss', money(r.socialisedLoss)],
    ['book', 'Book accounts liquidated', r.liquidatedExternal.join(', ') || 'none'],
  ];
  return (
    <dl class="figures outcome">
      {items.map(([field, label, value]) => (
        <div class="figure" key={field}>
          <dt>{label}</dt>
          <dd data-field={field}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

interface Setup {
  underlying: string;
  shock: string;
  population: string;
  fund: string;
}

function CascadeFields({
  setup,
  set,
  underlyings,
}: {
  setup: Setup;
  set: (s: Setup) => void;
  underlyings: string[];
}) {
  return (
    <div class="fields">
      <SelectField
        label="Underlying"
        value={setup.underlying}
        onValue={(underlying) => set({ ...setup, underlying })}
      >
        {underlyings.map((u) => (
          <option key={u}>{u}</option>
        ))}
      </SelectField>
      <Field
        label="Shock (%)"
        type="number"
        step="any"
        value={setup.shock}
        onValue={(shock) => set({ ...setup, shock })}
      />
      <Field
        label="Generated accounts"
        type="number"
        min="0"
        max="200000"
        step="1000"
        value={setup.population}
        onValue={(population) => set({ ...setup, population })}
      />
      <Field
        label="Insurance fund"
        type="number"
        min="0"
        step="any"
        value={setup.fund}
        onValue={(fund) => set({ ...setup, fund })}
      />
      <button type="submit">Simulate</button>
    </div>
  );
}

export function CascadePanel({ api, underlyings }: Props) {
  const [setup, setSetup] = useState<Setup>({
    underlying: underlyings[0] ?? 'BTC',
    shock: '-10',
    population: '10000',
    fund: '0',
  });
  const [result, setResult] = useState<CascadeAnswer | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const option = useMemo(() => (result === undefined ? undefined : cascadeOption(result)), [result]);

  const run = (e: Event): void => {
    e.preventDefault();
    setStatus('Simulating…');
    const body = {
      underlying: setup.underlying,
      shock: Number(setup.shock) / 100,
      population: Math.round(Number(setup.population)),
      insuranceFund: Number(setup.fund),
    };
    api.post<CascadeAnswer>('v1/cascade', body).then(
      (r) => {
        setResult(r);
        setStatus(undefined);
      },
      (err: unknown) => setStatus(messageOf(err)),
    );
  };

  return (
    <form class="analysis-form" onSubmit={run}>
      <CascadeFields setup={setup} set={setSetup} underlyings={underlyings} />
      <p aria-live="polite">{status}</p>
      {result !== undefined && option !== undefined && (
        <div data-testid="cascade-result">
          <EChart
            option={option}
            height={300}
            label="Price path and liquidated notional per round"
            testId="cascade"
          />
          <Outcome r={result} />
        </div>
      )}
    </form>
  );
}
