// Stress: every visible node after a joint move of an underlying's price and implied vols (POST /v1/stress, the
// stress scenario schema of src/risk/stressScenario.ts: relative and absolute vol shifts are separate fields).
import { useState } from 'preact/hooks';
import type { Api } from '../api';
import { messageOf } from '../api';
import type { StressAnswer } from '@api';
import { Field, SelectField } from './Field';
import { NodeChangeTable } from './NodeChangeTable';

interface Props {
  currency: string;
  api: Api;
  underlyings: string[];
}

/** Label, price move (%), absolute vol shift (points), relative vol shock (%). */
const PRESETS: [string, number, number, number][] = [
  ['−30%, vols +20 pts', -30, 20, 0],
  ['−10%', -10, 0, 0],
  ['+20%, vols −10 pts', 20, -10, 0],
  ['−20%, vols ×1.5', -20, 0, 50],
];

function Presets({ onPick }: { onPick: (move: number, points: number, relative: number) => void }) {
  return (
    <div class="presets" role="group" aria-label="Preset stresses">
      {PRESETS.map(([label, m, v, r]) => (
        <button type="button" class="secondary" key={label} onClick={() => onPick(m, v, r)}>
          {label}
        </button>
      ))}
    </div>
  );
}

export function StressPanel({ api, underlyings, currency }: Props) {
  const [underlying, setUnderlying] = useState(underlyings[0] ?? 'BTC');
  const [move, setMove] = useState('-30');
  const [vol, setVol] = useState('20');
  const [relative, setRelative] = useState('0');
  const [result, setResult] = useState<StressAnswer | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);

  const run = (priceMove: string, points: string, shock: string): void => {
    setStatus('Running…');
    const move = {
      price: Number(priceMove) / 100,
      volShiftAbsolute: Number(points) / 100,
      volShiftRelative: Number(shock) / 100,
    };
    api.post<StressAnswer>('v1/stress', { name: 'dashboard', moves: { [underlying]: move } }).then(
      (r) => {
        setResult(r);
        setStatus(undefined);
      },
      (e: unknown) => setStatus(messageOf(e)),
    );
  };

  return (
    <form
      class="analysis-form"
      onSubmit={(e) => {
        e.preventDefault();
        run(move, vol, relative);
      }}
    >
      <div class="fields">
        <SelectField label="Underlying" value={underlying} onValue={setUnderlying}>
          {underlyings.map((u) => (
            <option key={u}>{u}</option>
          ))}
        </SelectField>
        <Field label="Price move (%)" type="number" step="any" min="-99" value={move} onValue={setMove} />
        <Field label="Vol shift (points)" type="number" step="any" value={vol} onValue={setVol} />
        <Field
          label="Vol shock (% of each vol)"
          type="number"
          step="any"
          min="-99"
          value={relative}
          onValue={setRelative}
        />
        <button type="submit">Run stress</button>
      </div>
      <Presets
        onPick={(m, v, r) => {
          setMove(String(m));
          setVol(String(v));
          setRelative(String(r));
          run(String(m), String(v), String(r));
        }}
      />
      <p aria-live="polite">{status}</p>
      {result !== undefined && (
        <NodeChangeTable
          currency={currency}
          caption="Every node after the move"
          nodes={result.nodes}
          equity
          testId="stress-table"
        />
      )}
    </form>
  );
}
