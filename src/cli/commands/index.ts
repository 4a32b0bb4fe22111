import type { Command } from 'commander';
import { register as importCommand } from './import.js';
import { register as sync } from './sync.js';
import { register as reconcile } from './reconcile.js';
import { register as backtest } from './backtest.js';
import { register as report } from './report.js';
import { register as serve } from './serve.js';
import { register as cluster } from './cluster.js';
import { register as settle } from './settle.js';
import { register as validate } from './validate.js';
import { register as verify } from './verify.js';
import { register as vol } from './vol.js';
import { register as stress } from './stress.js';
import { register as cascade } from './cascade.js';
import { register as allocate } from './allocate.js';
import { register as whatif } from './whatif.js';
import { register as compareModes } from './compareModes.js';

/** Every command's registration, in the order `--help` lists them. Add a command: one file, one line here. */
export const commands: readonly ((program: Command) => void)[] = [
  report,
  validate,
  importCommand,
  sync,
  reconcile,
  vol,
  backtest,
  settle,
  verify,
  stress,
  cascade,
  allocate,
  whatif,
  compareModes,
  serve,
  cluster,
];
