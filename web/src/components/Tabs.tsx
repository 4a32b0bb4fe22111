// Tabs, as the ARIA tabs pattern: the active tab is the tab stop, Left/Right/Home/End move and activate, and
// only the active panel is rendered (charts in hidden panels would measure zero width).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

export interface TabSpec {
  id: string;
  label: string;
  render: () => ComponentChildren;
}

interface Props {
  /** Prefix of the element ids, unique on the page. */
  name: string;
  label: string;
  tabs: TabSpec[];
}

export function Tabs({ name, label, tabs }: Props) {
  const [active, setActive] = useState(tabs[0]?.id ?? '');
  const index = Math.max(
    0,
    tabs.findIndex((t) => t.id === active),
  );
  const current = tabs[index];

  const activate = (i: number): void => {
    const tab = tabs[(i + tabs.length) % tabs.length];
    if (tab === undefined) return;
    setActive(tab.id);
    document.getElementById(`${name}-tab-${tab.id}`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: tabs.length - 1,
    };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    activate(to);
  };

  return (
    <div class="tabs">
      <div role="tablist" aria-label={label} class="tablist" onKeyDown={onKeyDown}>
        {tabs.map((t, i) => (
          <button
            type="button"
            role="tab"
            key={t.id}
            id={`${name}-tab-${t.id}`}
            aria-selected={i === index}
            aria-controls={`${name}-panel-${t.id}`}
            tabIndex={i === index ? 0 : -1}
            onClick={() => setActive(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {current !== undefined && (
        <div
          role="tabpanel"
          id={`${name}-panel-${current.id}`}
          aria-labelledby={`${name}-tab-${current.id}`}
          class="tabpanel"
          tabIndex={0}
        >
          {current.render()}
        </div>
      )}
    </div>
  );
}
