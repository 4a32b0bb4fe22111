// The REST client: every call carries the key as `Authorization: Bearer`, and errors become ApiError with the
// service's message and the first issue's path, ready to show next to the field that caused it.

/** An answer other than 2xx. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: string;
  issues?: { path?: string; message?: string }[];
}

function errorMessage(status: number, body: ErrorBody | undefined): string {
  const issue = body?.issues?.[0];
  if (issue !== undefined) return `${issue.path ?? 'input'}: ${issue.message ?? 'invalid'}`;
  return body?.error ?? `HTTP ${status}`;
}

/** The service's API as the page uses it. */
export interface Api {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

/** Returns the URL of an API path (e.g. `v1/margin`) relative to the page, so a proxy sub-path works too. */
export function apiUrl(path: string): string {
  return new URL(path.replace(/^\//, ''), document.baseURI).toString();
}

/** Returns a client that sends `key`; `onUnauthorized` is called on 401 (the key was revoked or is wrong). */
export function createApi(key: string, onUnauthorized: () => void): Api {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(apiUrl(path), {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!response.ok) {
      if (response.status === 401) onUnauthorized();
      throw new ApiError(response.status, errorMessage(response.status, parsed as ErrorBody | undefined));
    }
    return parsed as T;
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
  };
}

/** Returns a readable message of any error thrown by a call. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return `request failed: ${error.message}`;
  return 'request failed';
}
