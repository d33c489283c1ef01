// The collector's access token: taken from `?token=` once, kept in sessionStorage, and removed from
// the address bar so it is not shared along with a link.
const KEY = 'causelane.token';

export function initAuthToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
  }
  return sessionStorage.getItem(KEY);
}

export function authToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function authHeaders(): Record<string, string> {
  const t = authToken();
  return t ? { Authorization: `Bearer ${t}` } : {};
}
