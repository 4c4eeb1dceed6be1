// Whether the workbench server still answers. The web client reports every call and the event socket's state here;
// the app shell shows a banner while the server is gone (stopped, restarted on another port) or refuses the page's
// token (restarted: every start makes a new one), so nothing looks saved that was not.
export type ConnectionState = 'ok' | 'lost' | 'unauthorized';

class Connection {
  state = $state<ConnectionState>('ok');
  since = $state<Date | null>(null);
  detail = $state('');
  lost(detail: string): void {
    if (this.state !== 'lost') { this.state = 'lost'; this.since = new Date(); }
    this.detail = detail;
  }
  unauthorized(detail: string): void {
    this.state = 'unauthorized'; this.since ??= new Date(); this.detail = detail;
  }
  ok(): void {
    if (this.state !== 'ok') { this.state = 'ok'; this.since = null; this.detail = ''; }
  }
}

export const connection = new Connection();
