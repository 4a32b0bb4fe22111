// The API key of this browser tab: kept in sessionStorage, so it lasts while the tab is open and is never
// written to disk or shared with other tabs.

const KEY = 'unimargin.apiKey';

/** Returns the stored API key, or null. */
export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Stores the API key for this tab (null forgets it). */
export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, key);
  } catch {
    // Storage can be disabled (private modes); the key then lives only in memory until reload.
  }
}
