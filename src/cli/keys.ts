// ed25519 keys at the edge: reading and writing PEM files and signing with node:crypto. The settlement layer
// only ever sees the Signer and SignatureVerifier functions made here.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/index.js';
import type { SignatureVerifier, Signer } from '../settlement/index.js';
import { readInputFile } from './io.js';

/** The line written above the PEM blocks of a test key (PEM parsers skip text outside the blocks, RFC 7468 §5.2). */
export const TEST_KEY_NOTICE =
  'TEST KEY, NOT SECRET: for examples and tests only. Never sign a real settlement with it.';

function ed25519(key: KeyObject, path: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519')
    throw new InputError([
      {
        path,
        message: `not an ed25519 key (found ${key.asymmetricKeyType ?? 'unknown'})`,
        hint: 'make one with: unimargin keygen --out DIR',
      },
    ]);
  return key;
}

/** Returns the ed25519 private key in a PEM file (PKCS#8); InputError naming the file otherwise. */
export async function readPrivateKey(path: string): Promise<KeyObject> {
  const text = await readInputFile(path);
  try {
    return ed25519(createPrivateKey(text), path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([{ path, message: 'not a PEM private key', hint: 'give the .key.pem file' }]);
  }
}

/** Returns the ed25519 public key in a PEM file (SPKI), or the public half of a private key file. */
export async function readPublicKey(path: string): Promise<KeyObject> {
  const text = await readInputFile(path);
  try {
    return ed25519(createPublicKey(text), path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([{ path, message: 'not a PEM public key', hint: 'give the .pub.pem file' }]);
  }
}

/** Returns the raw 32-byte ed25519 public key of a public or private key. */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const x = pub.export({ format: 'jwk' }).x;
  if (x === undefined) throw new RangeError('not an ed25519 key');
  return new Uint8Array(Buffer.from(x, 'base64url'));
}

/** Returns a Signer over a private key (pure ed25519, RFC 8032). */
export function signerFor(privateKey: KeyObject): Signer {
  return {
    publicKey: rawPublicKey(privateKey),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}

/** Returns a SignatureVerifier over a public key; a malformed signature is simply not valid. */
export function verifierFor(publicKey: KeyObject): SignatureVerifier {
  return {
    publicKey: rawPublicKey(publicKey),
    verify: (message, signature) => {
      try {
        return verify(null, message, publicKey, signature);
      } catch {
        return false;
      }
    },
  };
}

/** Returns a new ed25519 key pair as PEM text (PKCS#8 private, SPKI public), marked as a test key if asked. */
export function generateKeyPairPem(test = false): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const notice = test ? `${TEST_KEY_NOTICE}\n` : '';
  return {
    privatePem: notice + privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: notice + publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Writes NAME.key.pem (owner-only) and NAME.pub.pem into dir; returns their paths. Refuses to overwrite. */
export async function writeKeyPair(
  dir: string,
  name: string,
  options: { test?: boolean; force?: boolean } = {},
): Promise<{ privatePath: string; publicPath: string; publicKey: Uint8Array }> {
  const { privatePem, publicPem } = generateKeyPairPem(options.test === true);
  await mkdir(dir, { recursive: true });
  const privatePath = join(dir, `${name}.key.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  if (options.force !== true)
    for (const path of [privatePath, publicPath])
      if (existsSync(path))
        throw new InputError([
          { path, message: 'exists already', hint: 'pass --force to replace the key pair' },
        ]);
  await writeFile(privatePath, privatePem, { mode: 0o600 });
  await chmod(privatePath, 0o600);
  await writeFile(publicPath, publicPem);
  return { privatePath, publicPath, publicKey: rawPublicKey(createPublicKey(publicPem)) };
}
