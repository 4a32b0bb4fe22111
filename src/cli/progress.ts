// Progress of long commands on stderr: silent for the first two seconds (short runs print nothing), then a line
// at most once a second; on a terminal the line is rewritten in place.

const QUIET_MS = 2_000;
const EVERY_MS = 1_000;

/** Returns a callback (done, total) that reports progress on stderr once a run has taken over two seconds. */
export function progressOnStderr(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = () => performance.now(),
): (done: number, total: number) => void {
  const started = now();
  let last = started;
  let shown = false;
  return (done, total) => {
    const t = now();
    const finished = done >= total;
    if (t - started < QUIET_MS || (!finished && t - last < EVERY_MS)) return;
    if (finished && !shown) return;
    last = t;
    shown = true;
    const percent = total === 0 ? 100 : Math.floor((100 * done) / total);
    const text = `${label}: ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} (${percent}%), ${((t - started) / 1000).toFixed(1)} s`;
    if (stream.isTTY === true) stream.write(`\r${text}${finished ? '\n' : ''}`);
    else stream.write(`${text}\n`);
  };
}
