// API keys: random secrets handed out once; the store keeps a scrypt hash with its own salt. A key has scopes
// (read, write, admin) and a root account: it sees and changes only that account's subtree (all when null).
import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRow, Store } from '../store/index.js';

export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Who is calling: the key's id, scopes and subtree. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: ReadonlySet<Scope>;
  /** The root of the subtree the key may see; null is the whole tree. */
  root: string | null;
}

// scrypt cost: N = 2^14, r = 8, p = 1 (the node:crypto defaults; OWASP's minimum for scrypt is N = 2^17 with
// p = 1 at r = 8, but keys are 256-bit random secrets, not passwords, so brute force is not the threat).
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
// A verified key is remembered (by its sha256) so that scrypt runs once per key per interval, not per request.
const CACHE_MS = 60_000;
const MIN_KEY_LENGTH = 16;

function scryptHash(key: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(key, salt, KEY_LENGTH, (error, hash) => (error ? reject(error) : resolve(hash))),
  );
}

/** Returns the lookup of a key: a prefix of its sha256, enough to find its row without keeping the key. */
export function keyLookup(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** Returns a new random key: `um_` and 32 random bytes, base64url. */
export function generateKey(): string {
  return `um_${randomBytes(32).toString('base64url')}`;
}

/** Returns the row to store for a key: lookup, salt and scrypt hash; never the key itself. */
export async function hashedKey(
  key: string,
  fields: { name: string; scopes: readonly Scope[]; root: string | null; createdAt: number },
): Promise<ApiKeyRow> {
  if (key.length < MIN_KEY_LENGTH)
    throw new RangeError(`an API key needs at least ${MIN_KEY_LENGTH} characters`);
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptHash(key, salt);
  return {
    id: randomUUID(),
    lookup: keyLookup(key),
    name: fields.name,
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
    scopes: [...fields.scopes],
    root: fields.root,
    createdAt: fields.createdAt,
    revokedAt: null,
  };
}

const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

/** Checks keys against the store, with a short-lived cache of verified keys. */
export class KeyRing {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns the key's principal, or undefined for an unknown, wrong or revoked key. */
  async authenticate(key: string): Promise<Principal | undefined> {
    const digest = createHash('sha256').update(key).digest('hex');
    const hit = this.cache.get(digest);
    if (hit !== undefined && hit.until > this.now()) return hit.principal;
    this.cache.delete(digest);
    const row = await this.store.findApiKeyByLookup(keyLookup(key));
    if (row === undefined || row.revokedAt !== null) return undefined;
    const expected = Buffer.from(row.hash, 'base64');
    const actual = await scryptHash(key, Buffer.from(row.salt, 'base64'));
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    const principal: Principal = {
      keyId: row.id,
      name: row.name,
      scopes: new Set(row.scopes.filter(isScope)),
      root: row.root,
    };
    this.cache.set(digest, { principal, until: this.now() + CACHE_MS });
    return principal;
  }

  /** Forgets cached verifications of a key (after it is revoked). */
  forget(keyId: string): void {
    for (const [digest, entry] of this.cache) if (entry.principal.keyId === keyId) this.cache.delete(digest);
  }
}

/** The WebSocket subprotocol the service speaks; a browser offers it first, and it is the one selected. */
export const WS_PROTOCOL = 'unimargin.v1';

/**
 * Prefix of the subprotocol that carries an API key, base64url-encoded, for clients that cannot set headers on
 * the upgrade request (browsers): `new WebSocket(url, ['unimargin.v1', 'base64url.bearer.unimargin.' + b64])`.
 * The pattern is Kubernetes' (`base64url.bearer.authorization.k8s.io.`): a subprotocol is a header the page may
 * set, and another site cannot make a browser send it, unlike a cookie.
 */
export const KEY_PROTOCOL_PREFIX = 'base64url.bearer.unimargin.';

/** Returns the API key carried by a `Sec-WebSocket-Protocol` header, or undefined. */
export function protocolKey(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text === undefined) return undefined;
  const offered = text
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(KEY_PROTOCOL_PREFIX));
  const encoded = offered?.slice(KEY_PROTOCOL_PREFIX.length);
  if (encoded === undefined || !/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  const key = Buffer.from(encoded, 'base64url').toString('utf8');
  return key === '' ? undefined : key;
}

/**
 * Chooses the subprotocol of a WebSocket handshake: `unimargin.v1` when offered, else none. Never one that
 * carries a key, so that the key is not echoed in the response (ws would otherwise pick the first offered).
 */
export function selectProtocol(protocols: ReadonlySet<string>): string | false {
  return protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false;
}
