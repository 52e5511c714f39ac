/**
 * Browser mode's launch token. `veil serve` prints `http://127.0.0.1:<port>/#token=<token>`; the token identifies this
 * window to the host and goes with every call. It is kept in sessionStorage (this tab only, gone when the tab closes)
 * so a reload still works, and removed from the address bar so it is not left on screen, in history or in a screenshot.
 */
const STORAGE_KEY = 'veil.launchToken';

export function tokenFromHash(hash: string): string | null {
  if (!hash.startsWith('#')) return null;
  const params = new URLSearchParams(hash.slice(1));
  const token = params.get('token');
  return token && /^[A-Za-z0-9_-]{16,200}$/.test(token) ? token : null;
}

export function takeLaunchToken(): string | null {
  const fromHash = tokenFromHash(window.location.hash);
  if (fromHash) {
    try {
      window.sessionStorage.setItem(STORAGE_KEY, fromHash);
    } catch {
      // Storage can be disabled; the token still works until the next reload.
    }
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
