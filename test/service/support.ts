// A service over an in-memory PGlite store (one per test file: PGlite takes seconds to start), seeded with the
// example book, with helpers to call it as a key holder would.
import { after, before } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { openPgliteStore, type Store } from '../../src/store/index.js';
import { defaultConfig, type ServiceConfig } from '../../src/service/config.js';
import { createService, type Service, type ServiceOptions } from '../../src/service/service.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';

/** Returns a test configuration: in-memory store, silent logs, no rate limit unless asked. */
export function testConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return {
    ...defaultConfig(),
    store: {},
    port: 0,
    adminKey: ADMIN_KEY,
    logLevel: 'silent',
    rateLimitMax: 0,
    ...overrides,
  };
}

/** Returns a new in-memory store and a service over it. */
export async function startService(
  overrides: Partial<ServiceConfig> = {},
  options: ServiceOptions = {},
): Promise<{ service: Service; store: Store }> {
  const store = options.store ?? (await openPgliteStore());
  const service = await createService(testConfig(overrides), { ...options, store });
  return { service, store };
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Returns a caller with one key (null: none): `call(method, url, body?)` → status and parsed JSON body. */
export function caller(service: Service, key: string | null = ADMIN_KEY) {
  return async (
    method: Method,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown>; response: LightMyRequestResponse }> => {
    const response = await service.app.inject({
      method,
      url,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const text = response.body;
    let parsed: Record<string, unknown>;
    try {
      parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      parsed = { text };
    }
    return { status: response.statusCode, body: parsed, response };
  };
}

/** Returns the first number that is NaN or infinite found in a JSON text, or undefined. */
export function nonFiniteIn(text: string): string | undefined {
  return /\b(NaN|Infinity)\b/.exec(text)?.[0];
}

/**
 * Returns a per-file fixture: a service started before the file's tests and closed after, a caller with the
 * admin key that keeps every response body (to check none holds NaN or Infinity), and `settle` to wait until
 * accepted events are applied and margins recomputed.
 */
export function serviceFixture() {
  let running: { service: Service; store: Store } | undefined;
  let raw: ReturnType<typeof caller> | undefined;
  const bodies: string[] = [];
  const started = (): { service: Service; store: Store } => {
    if (running === undefined) throw new Error('the service fixture is used before its before() hook ran');
    return running;
  };
  before(async () => {
    running = await startService();
    raw = caller(running.service);
  });
  after(async () => {
    await running?.service.close();
    await running?.store.close();
  });
  const call: ReturnType<typeof caller> = async (...args) => {
    if (raw === undefined) throw new Error('the service fixture is used before its before() hook ran');
    const r = await raw(...args);
    bodies.push(r.response.body);
    return r;
  };
  return {
    get service(): Service {
      return started().service;
    },
    get store(): Store {
      return started().store;
    },
    call,
    bodies,
    settle: async (): Promise<void> => {
      await started().service.ctx.events.idle();
      await started().service.ctx.recomputer.idle();
    },
  };
}
