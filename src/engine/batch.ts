import { Worker } from 'node:worker_threads';
import type { Capacity, WebAssemblyMemory } from './layout.js';
import type { EngineState, KernelName } from './state.js';
import type { WasmModule } from './wasmKernel.js';

/** A task for a batch worker: a range of accounts to recompute, or byte ranges to stream (the floor). */
export interface BatchTask {
  id: number;
  /** The memory's id (Columns.id): a worker re-instantiates when it changes. */
  memoryId: string;
  memory: WebAssemblyMemory;
  capacity: Capacity;
  module: WasmModule;
  kernel: KernelName;
  op: 'accounts' | 'stream';
  from: number;
  to: number;
  /** [address, float64 count] pairs to read, for op stream. */
  reads: [number, number][];
}

/** A worker's answer: the task's time on that thread and, for stream, the sum read. */
export interface BatchReply {
  id: number;
  ms: number;
  sum: number;
}

/** Worker threads that share the engine's memory; the calling thread takes a share of every batch too. */
export interface BatchPool {
  readonly threads: number;
  readonly workers: readonly Worker[];
  readonly pending: Map<number, { resolve: (reply: BatchReply) => void; reject: (error: Error) => void }>;
  nextId: number;
}

/** Returns the worker module: the .ts source under tsx (which workers do not inherit), else the built .js. */
function spawnWorker(): Worker {
  const source = import.meta.url.endsWith('.ts');
  const url = new URL(source ? './batchWorker.ts' : './batchWorker.js', import.meta.url);
  if (!source) return new Worker(url);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

/** Returns a pool for `threads` threads in all: threads - 1 workers plus the caller. */
export function createBatchPool(threads: number): BatchPool {
  const count = Math.max(1, Math.floor(threads));
  const pending: BatchPool['pending'] = new Map();
  const workers: Worker[] = [];
  for (let t = 1; t < count; t++) {
    const worker = spawnWorker();
    worker.on('message', (reply: BatchReply) => {
      pending.get(reply.id)?.resolve(reply);
      pending.delete(reply.id);
    });
    worker.on('error', (error) => {
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    });
    workers.push(worker);
  }
  return { threads: count, workers, pending, nextId: 0 };
}

/** Stops the pool's workers. */
export async function closeBatchPool(pool: BatchPool): Promise<void> {
  await Promise.all(pool.workers.map((w) => w.terminate()));
}

function send(pool: BatchPool, worker: Worker, task: Omit<BatchTask, 'id'>): Promise<BatchReply> {
  const id = pool.nextId++;
  return new Promise((resolve, reject) => {
    pool.pending.set(id, { resolve, reject });
    worker.postMessage({ ...task, id });
  });
}

/** Returns account boundaries splitting [0, accounts) into `parts` ranges of about equal slot counts. */
export function splitAccounts(state: EngineState, parts: number): number[] {
  const { slotCount } = state.columns;
  const accounts = state.accountIds.length;
  let total = 0;
  for (let a = 0; a < accounts; a++) total += slotCount[a]! + 1;
  const cuts = [0];
  let seen = 0;
  for (let a = 0, part = 1; a < accounts && part < parts; a++) {
    seen += slotCount[a]! + 1;
    if (seen >= (total * part) / parts) {
      cuts.push(a + 1);
      part++;
    }
  }
  while (cuts.length < parts) cuts.push(accounts);
  cuts.push(accounts);
  return cuts;
}

function taskBase(
  state: EngineState,
  kernel: KernelName,
): Omit<BatchTask, 'id' | 'op' | 'from' | 'to' | 'reads'> {
  const c = state.columns;
  return { memoryId: c.id, memory: c.memory, capacity: c.capacity, module: state.module, kernel };
}

/**
 * Recomputes every account on the pool's threads, one range of accounts per thread (one task each: on few
 * cores small tasks cost more than they share). Returns each thread's time in milliseconds.
 */
export async function runBatch(state: EngineState, pool: BatchPool, kernel: KernelName): Promise<number[]> {
  const cuts = splitAccounts(state, pool.threads);
  const base = taskBase(state, kernel);
  const replies = pool.workers.map((w, t) =>
    send(pool, w, { ...base, op: 'accounts', from: cuts[t + 1]!, to: cuts[t + 2]!, reads: [] }),
  );
  const t0 = performance.now();
  state.kernels[kernel].accounts(cuts[0]!, cuts[1]!);
  const own = performance.now() - t0;
  return [own, ...(await Promise.all(replies)).map((r) => r.ms)];
}

/** Streams `reads` split over the pool's threads (the bandwidth floor); returns the sum read. */
export async function runStream(
  state: EngineState,
  pool: BatchPool,
  kernel: KernelName,
  reads: readonly [number, number][][],
): Promise<number> {
  const base = taskBase(state, kernel);
  const replies = pool.workers.map((w, t) =>
    send(pool, w, { ...base, op: 'stream', from: 0, to: 0, reads: reads[t + 1] ?? [] }),
  );
  let sum = 0;
  for (const [address, count] of reads[0] ?? []) sum += state.kernels[kernel].stream(address, count);
  for (const r of await Promise.all(replies)) sum += r.sum;
  return sum;
}
