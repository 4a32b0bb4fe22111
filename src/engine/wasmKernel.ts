import { KERNEL_WASM_BASE64 } from './kernel.wasm.js';
import type { Kernel } from './kernelJs.js';
import { webAssembly, type Columns, type WebAssemblyMemory } from './layout.js';

/** A compiled WebAssembly module (opaque: it is passed to workers and instantiated there). */
export type WasmModule = object;

interface KernelExports {
  accounts(from: number, to: number): void;
  update(list: number, count: number, mask: number): void;
  stream(address: number, count: number): number;
}

interface WebAssemblyKernelApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: { env: { memory: WebAssemblyMemory } },
  ) => { exports: KernelExports };
}

/** Returns the kernel module compiled from the committed binary (a few milliseconds; no wabt needed). */
export function compileKernel(): WasmModule {
  const bytes = Uint8Array.from(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
  return new (webAssembly<WebAssemblyKernelApi>().Module)(bytes);
}

/** Returns the WebAssembly SIMD kernel over `columns`, instantiated from a compiled module. */
export function createWasmKernel(columns: Columns, module: WasmModule): Kernel {
  const api = webAssembly<WebAssemblyKernelApi>();
  const { exports } = new api.Instance(module, { env: { memory: columns.memory } });
  return {
    name: 'wasm',
    accounts: (from, to) => exports.accounts(from, to),
    update: (count) => exports.update(columns.listAddress, count, columns.rankMaskAddress),
    stream: (address, count) => exports.stream(address, count),
  };
}
