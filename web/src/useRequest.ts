// A request tied to a component. Two kinds of input drive it:
// - `identity` says what is shown (a node, an account and a trade): when it changes, the previous answer is no
//   longer shown (the caller shows its loading state) and a new request starts after `delayMs` (typing restarts
//   the delay, so a burst of keystrokes costs one request);
// - `refresh` says the figures moved (the recompute version): the answer on screen stays while the next one is
//   on its way, and requests never cancel each other: at most one is in flight, a change during it asks for one
//   more when it ends, and a change waits at most `delayMs` (a tick every 200 ms cannot starve the panel).
// An answer is shown only for the identity it was asked for.
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from './api';

export interface RequestState<T> {
  data: T | undefined;
  error: string | undefined;
  /** A request for the shown identity is pending or in flight. */
  loading: boolean;
}

type Identity = readonly (string | number | boolean | null | undefined)[];

interface Held<T> {
  key: string;
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

interface Runner {
  key: string;
  timer: number | undefined;
  inFlight: boolean;
  again: boolean;
}

/** Runs `load` for `identity`, again when `refresh` changes; undefined `load` runs nothing. */
export function useRequest<T>(
  load: (() => Promise<T>) | undefined,
  identity: Identity,
  refresh: unknown,
  delayMs = 0,
): RequestState<T> {
  const key = JSON.stringify(identity);
  const [held, setHeld] = useState<Held<T>>({ key, data: undefined, error: undefined, loading: true });
  const latestLoad = useRef(load);
  latestLoad.current = load;
  const runner = useRef<Runner>({ key: '', timer: undefined, inFlight: false, again: false });

  const run = (r: Runner): void => {
    r.timer = undefined;
    const fn = latestLoad.current;
    if (fn === undefined) return;
    r.inFlight = true;
    const settle = (next: Partial<Held<T>>): void => {
      if (runner.current !== r) return;
      r.inFlight = false;
      setHeld((h) => ({ ...h, ...next, key: r.key, loading: r.again }));
      if (r.again) {
        r.again = false;
        schedule(r);
      }
    };
    fn().then(
      (data) => settle({ data, error: undefined }),
      (e: unknown) => settle({ error: messageOf(e) }),
    );
  };
  const schedule = (r: Runner): void => {
    if (r.timer !== undefined) return;
    if (r.inFlight) r.again = true;
    else r.timer = window.setTimeout(() => run(r), delayMs);
  };

  // A new identity: a runner of its own (answers to the old one are dropped), nothing shown until it answers.
  useEffect(() => {
    const r: Runner = { key, timer: undefined, inFlight: false, again: false };
    runner.current = r;
    setHeld({ key, data: undefined, error: undefined, loading: load !== undefined });
    if (load !== undefined) schedule(r);
    return () => window.clearTimeout(r.timer);
  }, [key, load === undefined]);

  // New figures: ask again, without dropping what is shown or what is in flight.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const r = runner.current;
    if (latestLoad.current === undefined) return;
    setHeld((h) => (h.key === r.key ? { ...h, loading: true } : h));
    schedule(r);
  }, [refresh]);

  if (held.key !== key) return { data: undefined, error: undefined, loading: load !== undefined };
  return { data: held.data, error: held.error, loading: held.loading };
}
