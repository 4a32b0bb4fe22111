// A worker thread for the analyses that take long (collateral allocation, stress of a large book), so that the
// event loop keeps answering /healthz, margin reads and WebSocket pushes while they run. One thread: the
// machine's other cores serve requests and the store; tasks queue in the worker in arrival order.
import type { Worker } from 'node:worker_threads';
import { spawnModuleWorker } from '../engine/workerModule.js';
import { errorOf, type AnalysisResults, type AnalysisTask, type TaskOutcome } from './analysisTasks.js';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/** Runs analysis tasks in a worker thread started on first use and restarted after a crash. */
export class AnalysisWorkers {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  /** Returns the task's result, computed in the worker thread; rejects with the task's error. */
  run<K extends AnalysisTask['kind']>(task: AnalysisTask & { kind: K }): Promise<AnalysisResults[K]> {
    if (this.closed) return Promise.reject(new Error('analysis workers are closed'));
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<AnalysisResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      // A running task keeps the process alive (a caller may await nothing else); an idle worker does not.
      worker.ref();
      worker.postMessage({ id, task });
    });
  }

  /** Stops the worker; tasks still running are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.fail(new Error('analysis workers are closed'));
    if (worker !== undefined) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = spawnModuleWorker(import.meta.url, 'analysisWorker');
    worker.on('message', (message: { id: number; outcome: TaskOutcome }) => {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.outcome.ok) waiting?.resolve(message.outcome.result);
      else waiting?.reject(errorOf(message.outcome.error));
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => {
      // A crashed worker is replaced on the next task; what it was running cannot be finished.
      if (this.worker === worker) this.worker = undefined;
      this.fail(new Error('analysis worker stopped'));
    });
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
