import { Command } from 'commander';
import { commands } from './commands/index.js';
import { EXIT_INPUT, fail } from './program.js';

const program = new Command()
  .name('unimargin')
  .description('Aggregated margin and risk for crypto derivatives')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_INPUT));
for (const register of commands) register(program);
program.parseAsync(process.argv).catch(fail);
