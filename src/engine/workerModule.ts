// Starting a worker thread on one of our modules, from the TypeScript source or from the build alike.
import { Worker } from 'node:worker_threads';

/**
 * Returns a worker running the module `name` (without extension) beside the module at `base` (its
 * import.meta.url): the .ts source under tsx, which a worker does not inherit, else the built .js.
 */
export function spawnModuleWorker(base: string, name: string): Worker {
  const source = base.endsWith('.ts');
  const url = new URL(`./${name}${source ? '.ts' : '.js'}`, base);
  if (!source) return new Worker(url);
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}
