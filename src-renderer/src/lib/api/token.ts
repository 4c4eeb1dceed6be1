// The web-mode access token: read from ?token= once, then kept in sessionStorage so hash navigation
// and reloads keep working after the query string is gone.
const KEY = 'wid.token';

export function readToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem(KEY, fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem(KEY);
}
