// Stress: every visible node after a joint move of an underlying's price and implied vols (POST /v1/stress).
import { useState } from 'preact/hooks';
import type { Api } from '../api';
import { messageOf } from '../api';
import type { StressAnswer } from '../types';
import { Field, SelectField } from './Field';
import { NodeChangeTable } from './NodeChangeTable';

interface Props {
  api: Api;
  underlyings: string[];
}

const PRESETS: [string, number, number][] = [
  ['−30%, vols +20 pts', -30, 20],
  ['−10%', -10, 0],
  ['+20%, vols −10 pts', 20, -10],
];

function Presets({ onPick }: { onPick: (move: number, vol: number) => void }) {
  return (
    <div class="presets" role="group" aria-label="Preset stresses">
      {PRESETS.map(([label, m, v]) => (
        <button type="button" class="secondary" key={label} onClick={() => onPick(m, v)}>
          {label}
        </button>
      ))}
    </div>
  );
}

export function StressPanel({ api, underlyings }: Props) {
  const [underlying, setUnderlying] = useState(underlyings[0] ?? 'BTC');
  const [move, setMove] = useState('-30');
  const [vol, setVol] = useState('20');
  const [result, setResult] = useState<StressAnswer | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);

  const run = (priceMove: string, volChange: string): void => {
    setStatus('Running…');
    const moves = [{ underlying, priceMove: Number(priceMove) / 100, volChange: Number(volChange) / 100 }];
    api.post<StressAnswer>('v1/stress', { moves }).then(
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
        run(move, vol);
      }}
    >
      <div class="fields">
        <SelectField label="Underlying" value={underlying} onValue={setUnderlying}>
          {underlyings.map((u) => (
            <option key={u}>{u}</option>
          ))}
        </SelectField>
        <Field label="Price move (%)" type="number" step="any" min="-99" value={move} onValue={setMove} />
        <Field label="Vol change (points)" type="number" step="any" value={vol} onValue={setVol} />
        <button type="submit">Run stress</button>
      </div>
      <Presets
        onPick={(m, v) => {
          setMove(String(m));
          setVol(String(v));
          run(String(m), String(v));
        }}
      />
      <p aria-live="polite">{status}</p>
      {result !== undefined && (
        <NodeChangeTable
          caption="Every node after the move"
          nodes={result.nodes}
          equity
          testId="stress-table"
        />
      )}
    </form>
  );
}
