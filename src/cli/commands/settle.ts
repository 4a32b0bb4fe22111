import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError, parseBook, parseText } from '../../core/index.js';
import {
  certificateProblem,
  certificateToJson,
  parseCertificate,
  proofToJson,
  settleCycle,
  settlementReport,
  toHex,
  type CycleSettlement,
  type SignedCertificate,
} from '../../settlement/index.js';
import { readInputFile } from '../io.js';
import { readPrivateKey, signerFor, verifierFor, writeKeyPair } from '../keys.js';
import { print } from '../program.js';

interface SettleOptions {
  cycle: string;
  key: string;
  previous?: string;
  out: string;
  saltSeed?: string;
}

/** Returns a JSON file's value; a syntax error is an InputError naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readInputFile(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError([{ path, message: `not valid JSON: ${(error as Error).message}` }]);
  }
}

function saltSeed(hex: string | undefined): Uint8Array {
  if (hex === undefined) return new Uint8Array(randomBytes(32));
  if (!/^([0-9a-f]{2}){16,64}$/.test(hex))
    throw new InputError([{ path: '--salt-seed', message: 'must be 16 to 64 bytes of lower-case hex' }]);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

async function previousCertificate(
  path: string,
  verify: ReturnType<typeof verifierFor>,
): Promise<SignedCertificate> {
  const previous = parseCertificate(await readJsonFile(path), path);
  const problem = certificateProblem(previous, verify);
  if (problem !== undefined)
    throw new InputError([{ path, message: `not a valid previous certificate: ${problem}` }]);
  return previous;
}

/** Writes certificate.json, proofs/<participant>.json and settlement.json; returns the lines to print. */
async function writeOutputs(s: CycleSettlement, out: string): Promise<string[]> {
  const proofs = join(out, 'proofs');
  await mkdir(proofs, { recursive: true });
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  await writeFile(join(out, 'certificate.json'), json(certificateToJson(s.certificate)));
  for (let i = 0; i < s.participants.length; i++) {
    const proof = proofToJson(s.proof(i), s.assets, s.reporting);
    // Participant ids may hold '/' and ':'; the file name escapes them.
    await writeFile(join(proofs, `${encodeURIComponent(s.participants[i]!.id)}.json`), json(proof));
  }
  const report = settlementReport(s);
  await writeFile(join(out, 'settlement.json'), json(report));
  const { body } = s.certificate;
  const counts = Object.entries(report.transferCounts)
    .map(([asset, c]) => `${asset} ${c.nets} nets, ${c.transfers} transfers`)
    .join('; ');
  return [
    `settled cycle ${body.cycleId} (cut-off ${new Date(body.cutoff).toISOString()}): ${body.participants} participants, tree depth ${body.depth}`,
    `certificate ${toHex(s.certificate.id)}${body.previous === null ? ' (first of its chain)' : ` (follows ${toHex(body.previous)})`}`,
    `netting: ${counts}`,
    `wrote ${join(out, 'certificate.json')}, ${s.participants.length} proofs in ${proofs}, and ${join(out, 'settlement.json')} (operator only: it holds every participant's obligations)`,
  ];
}

/** Adds `settle` (net a cycle, sign its certificate, write proofs) and `keygen` (an ed25519 key pair). */
export function register(program: Command): void {
  program
    .command('settle')
    .description(
      'net a settlement cycle, commit it to a signed Merkle sum tree, write one proof per participant',
    )
    .argument('<book>', 'book file (JSON or YAML) with the market at the cut-off')
    .requiredOption(
      '--cycle <file>',
      'cycle file (JSON or YAML): participants, cut-off, assets, ledger amounts',
    )
    .requiredOption('--key <file>', 'ed25519 private key (PEM) that signs the certificate')
    .option('--previous <file>', "previous cycle's certificate, to chain this one to it")
    .requiredOption('--out <dir>', 'folder for certificate.json, proofs/ and settlement.json')
    .option(
      '--salt-seed <hex>',
      'fixed salt seed for reproducible runs (whoever holds it can recompute every salt)',
    )
    .action(async (bookPath: string, opts: SettleOptions) => {
      const book = parseBook(parseText(await readInputFile(bookPath), bookPath));
      const cycle = parseText(await readInputFile(opts.cycle), opts.cycle);
      const key = await readPrivateKey(opts.key);
      const previous =
        opts.previous === undefined ? undefined : await previousCertificate(opts.previous, verifierFor(key));
      const settlement = settleCycle(book, cycle, {
        saltSeed: saltSeed(opts.saltSeed),
        signer: signerFor(key),
        ...(previous === undefined ? {} : { previous }),
      });
      print((await writeOutputs(settlement, opts.out)).join('\n'));
    });
  program
    .command('keygen')
    .description('make an ed25519 key pair (PEM) for signing settlement certificates')
    .requiredOption('--out <dir>', 'folder for NAME.key.pem (owner-only) and NAME.pub.pem')
    .option('--name <name>', 'file name stem', 'settlement')
    .option('--test-key', 'mark the files as a test key, not to be used for real settlement')
    .option('--force', 'replace existing files')
    .action(async (opts: { out: string; name: string; testKey?: boolean; force?: boolean }) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(opts.name))
        throw new InputError([{ path: '--name', message: 'use 1-64 letters, digits or ._-' }]);
      const written = await writeKeyPair(opts.out, opts.name, {
        test: opts.testKey === true,
        force: opts.force === true,
      });
      const secret = opts.testKey === true ? 'a TEST key, not secret' : 'private: keep it secret';
      print(
        `wrote ${written.privatePath} (${secret}) and ${written.publicPath} (give it to participants)\n` +
          `public key ${toHex(written.publicKey)}`,
      );
    });
}
