// Sign-in: the API key, checked against the service before it is kept (sessionStorage, this tab only).
import { useState } from 'preact/hooks';
import { apiUrl } from '../api';

interface Props {
  onKey: (key: string) => void;
  /** Why the previous key was dropped, if it was. */
  notice?: string;
}

async function checkKey(key: string): Promise<string | undefined> {
  const response = await fetch(apiUrl('v1/tree'), { headers: { authorization: `Bearer ${key}` } });
  if (response.ok) return undefined;
  return response.status === 401
    ? 'This key is not valid (or was revoked).'
    : `The service answered ${response.status}.`;
}

export function Login({ onKey, notice }: Props) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);

  const submit = (e: Event): void => {
    e.preventDefault();
    const k = key.trim();
    if (k === '') return setError('Enter an API key.');
    setBusy(true);
    checkKey(k)
      .then((problem) => (problem === undefined ? onKey(k) : setError(problem)))
      .catch(() => setError('The service cannot be reached.'))
      .finally(() => setBusy(false));
  };

  return (
    <main class="login" id="main">
      <form class="panel" onSubmit={submit} aria-labelledby="login-title">
        <h2 id="login-title">Sign in</h2>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-describedby="key-help"
          aria-invalid={error !== undefined}
        />
        <p id="key-help" class="muted small">
          <code>unimargin serve</code> prints the admin key at its first start (or set{' '}
          <code>UNIMARGIN_ADMIN_KEY</code>); an admin creates read-only keys with <code>POST /v1/keys</code>.
          The key stays in this tab only.
        </p>
        {error !== undefined && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
