// Hash routing: '#/runs', '#/runs/12', '#/new', '#/compare', '#/models', '#/datasets'.
// The hash keeps the web token (in the query string) untouched while navigating.
function parse(hash: string): string[] {
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean);
}

class Router {
  parts = $state<string[]>(parse(location.hash));
  constructor() {
    window.addEventListener('hashchange', () => { this.parts = parse(location.hash); });
  }
  get section(): string { return this.parts[0] ?? 'runs'; }
  go(path: string): void { location.hash = `#/${path.replace(/^\//, '')}`; }
}

export const router = new Router();
