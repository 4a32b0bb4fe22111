// The page: sign-in until a key is known, then the desk (tree, selected node, alerts, analyses).
import { useCallback, useMemo, useState } from 'preact/hooks';
import { createApi } from '../api';
import { storedKey, storeKey } from '../session';
import { useDesk } from '../useDesk';
import { useReconcile } from '../useReconcile';
import { AccountTree } from './AccountTree';
import { AlertsFeed } from './AlertsFeed';
import { AnalysisTabs } from './AnalysisTabs';
import { Header, StaleWarning } from './Header';
import { Login } from './Login';
import { NodeDetail } from './NodeDetail';

function focusTree(e: Event): void {
  e.preventDefault();
  document.querySelector<HTMLElement>('[role="tree"] [tabindex="0"]')?.focus();
}

function Desk({
  apiKey,
  onLogout,
  onRejected,
}: {
  apiKey: string;
  onLogout: () => void;
  onRejected: () => void;
}) {
  const api = useMemo(() => createApi(apiKey, onRejected), [apiKey, onRejected]);
  const { desk, error } = useDesk(api, apiKey);
  const reconciled = useReconcile(api, desk?.version ?? 0);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const selected = chosen ?? desk?.rows[0]?.id;
  return (
    <>
      <a class="skip" href="#tree-title" onClick={focusTree}>
        Skip to the account tree
      </a>
      <Header desk={desk} onLogout={onLogout} />
      <main id="main" class="desk">
        {desk !== undefined && <StaleWarning live={desk.live} />}
        {error !== undefined && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        {desk === undefined || selected === undefined ? (
          error === undefined && <p class="muted">Loading the account tree…</p>
        ) : (
          <>
            <section class="panel tree-panel" aria-labelledby="tree-title">
              <h2 id="tree-title">Accounts</h2>
              <AccountTree
                rows={desk.rows}
                figures={desk.figures}
                revision={desk.revision}
                currency={desk.currency}
                selected={selected}
                onSelect={setChosen}
                reconciled={reconciled}
              />
            </section>
            <div class="columns">
              <NodeDetail api={api} node={selected} version={desk.version} currency={desk.currency} />
              <AlertsFeed alerts={desk.alerts} onSelect={setChosen} />
            </div>
            <AnalysisTabs
              api={api}
              rows={desk.rows}
              selected={selected}
              version={desk.version}
              currency={desk.currency}
            />
          </>
        )}
      </main>
    </>
  );
}

export function App() {
  const [key, setKey] = useState<string | null>(storedKey());
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const signIn = (k: string): void => {
    storeKey(k);
    setNotice(undefined);
    setKey(k);
  };
  const signOut = useCallback(() => {
    storeKey(null);
    setKey(null);
  }, []);
  const rejected = useCallback(() => {
    storeKey(null);
    setNotice('The service refused the key (revoked?): sign in again.');
    setKey(null);
  }, []);
  if (key === null)
    return (
      <>
        <Header desk={undefined} />
        <Login onKey={signIn} {...(notice === undefined ? {} : { notice })} />
      </>
    );
  return <Desk key={key} apiKey={key} onLogout={signOut} onRejected={rejected} />;
}
