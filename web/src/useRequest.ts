// A request tied to a component: runs when its inputs change, drops answers that arrive after newer ones, and
// keeps the previous data while the next is on its way (a live desk should not flash empty on each update).
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from './api';

export interface RequestState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/** Runs `load` whenever `deps` change (after `delayMs`, coalescing bursts); undefined `load` runs nothing. */
export function useRequest<T>(
  load: (() => Promise<T>) | undefined,
  deps: readonly unknown[],
  delayMs = 0,
): RequestState<T> {
  const [state, setState] = useState<RequestState<T>>({ data: undefined, error: undefined, loading: false });
  useEffect(() => {
    if (load === undefined) return;
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = window.setTimeout(() => {
      load().then(
        (data) => current && setState({ data, error: undefined, loading: false }),
        (e: unknown) => current && setState((s) => ({ ...s, error: messageOf(e), loading: false })),
      );
    }, delayMs);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
    // The caller lists what `load` depends on, as with useEffect.
  }, deps);
  return state;
}
