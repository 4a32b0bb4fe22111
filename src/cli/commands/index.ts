import type { Command } from 'commander';
import { register as importCommand } from './import.js';
import { register as report } from './report.js';
import { register as validate } from './validate.js';

/** Every command's registration, in the order `--help` lists them. Add a command: one file, one line here. */
export const commands: readonly ((program: Command) => void)[] = [report, validate, importCommand];
