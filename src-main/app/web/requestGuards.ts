// Who may talk to the web-mode server, besides holding the token (Jupyter's rules):
// - Host must name this server (127.0.0.1:<port> or localhost:<port>): a page on a rebound DNS name
//   (evil.example -> 127.0.0.1) is refused, whatever it sends.
// - Origin, when a browser sends one, must be this server's own: another site (or another local port) cannot
//   make the user's browser call the API or open the event socket. Clients without Origin (curl, node) must
//   still present the token.
// - The token travels in the x-wid-token header, an HttpOnly SameSite=Strict cookie set when the page is
//   opened with ?token=, or ?token= itself (non-browser WebSocket clients).
import type { IncomingMessage } from 'node:http';

export const allowedHosts = (port: number) => [`127.0.0.1:${port}`, `localhost:${port}`];

export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return typeof host === 'string' && allowedHosts(port).includes(host.toLowerCase());
}

/** True when there is no Origin header (not a browser) or it is this server's own origin. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return typeof origin === 'string' && allowedHosts(port).map((h) => `http://${h}`).includes(origin.toLowerCase());
}

/** Cookies are not separated by port, so two servers on one machine need different cookie names. */
export const tokenCookieName = (port: number) => `wid_token_${port}`;

export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export function cookieValue(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
