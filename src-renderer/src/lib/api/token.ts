// The web-mode access token. The server printed a URL with ?token=; opening it set an HttpOnly cookie
// holding the token (scripts cannot read it), so the token is taken out of the address bar at once
// (history.replaceState) and kept in memory only. Reloads and hash navigation authenticate by the cookie.
export function readToken(): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (!fromUrl) return null;
  params.delete('token');
  const query = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  return fromUrl;
}

/** Served by the web-mode server (the cookie may hold the token), not opened from a file. */
export const servedOverHttp = () => location.protocol === 'http:' || location.protocol === 'https:';
