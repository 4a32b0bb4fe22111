// A batch worker thread: runs kernel tasks on the engine's shared memory for the main thread (batch.ts).
import { parentPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { createJsKernel, type Kernel } from './kernelJs.js';
import { viewColumns } from './layout.js';
import type { BatchTask, BatchReply } from './batch.js';
import { createWasmKernel } from './wasmKernel.js';

/** Serves tasks on a port; the views and instances live in this closure, rebuilt when the memory changes. */
function serve(port: MessagePort): void {
  let memoryId = '';
  let kernels: Record<'js' | 'wasm', Kernel> | undefined;
  port.on('message', (task: BatchTask) => {
    if (kernels === undefined || task.memoryId !== memoryId) {
      const columns = viewColumns(task.memory, task.capacity, task.memoryId);
      kernels = { js: createJsKernel(columns), wasm: createWasmKernel(columns, task.module) };
      memoryId = task.memoryId;
    }
    const kernel = kernels[task.kernel];
    const t0 = performance.now();
    let sum = 0;
    if (task.op === 'accounts') kernel.accounts(task.from, task.to);
    else for (const [address, count] of task.reads) sum += kernel.stream(address, count);
    const reply: BatchReply = { id: task.id, ms: performance.now() - t0, sum };
    port.postMessage(reply);
  });
}

if (parentPort !== null) serve(parentPort);
