import type { Command } from 'commander';
import { verifySettlement } from '../../settlement/index.js';
import { readPublicKey, verifierFor } from '../keys.js';
import { print } from '../program.js';
import { readJsonFile } from './settle.js';

/** Exit code of a proof that does not verify (bad files exit with EXIT_INPUT, 2). */
export const EXIT_REJECTED = 1;

interface VerifyOptions {
  pubkey: string;
  previous?: string;
}

/** Adds `verify`: a participant checks its own settlement proof against the signed certificate. */
export function register(program: Command): void {
  program
    .command('verify')
    .description("check one participant's settlement proof: signature, path, sums, totals and chain")
    .argument('<certificate>', 'certificate.json of the cycle')
    .argument('<proof>', "the participant's proof (JSON)")
    .requiredOption('--pubkey <file>', "the operator's ed25519 public key (PEM)")
    .option('--previous <file>', "the previous cycle's certificate, to check the chain")
    .action(async (certificatePath: string, proofPath: string, opts: VerifyOptions) => {
      const verifier = verifierFor(await readPublicKey(opts.pubkey));
      const certificate = await readJsonFile(certificatePath);
      const proof = await readJsonFile(proofPath);
      const previous = opts.previous === undefined ? undefined : await readJsonFile(opts.previous);
      const result = verifySettlement({
        certificate,
        proof,
        verifier,
        ...(previous === undefined ? {} : { previous }),
      });
      if (result.ok) {
        print(result.summary);
        return;
      }
      process.stderr.write(`REJECTED: ${result.reason}\n`);
      process.exitCode = EXIT_REJECTED;
    });
}
