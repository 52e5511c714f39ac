import { useCallback, useEffect, useState } from 'react';

/**
 * The page shown, kept in the address's hash (`#/admin`) so a reload stays on it. Hash routing because the renderer
 * is served from app:// and from browser mode with relative asset paths. The launch token (`#token=`) is taken out of
 * the hash before this runs (transport/launchToken.ts).
 */
function routeOf(hash: string): string {
  return hash.startsWith('#/') ? hash.slice(2).split(/[?#]/)[0]! : '';
}

export function useHashRoute(): [string, (route: string) => void] {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((next: string) => {
    window.location.hash = `#/${next}`;
    setRoute(next);
  }, []);
  return [route, navigate];
}
