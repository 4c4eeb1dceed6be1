// Hash routing: '#/runs', '#/runs/12', '#/new', '#/compare', '#/models', '#/datasets'.
// The hash keeps the web token (in the query string) untouched while navigating.
// A query after the path ('#/compare/runs?ids=1,2') is for the page to read; it is not part of the route.
function parse(hash: string): string[] {
  return hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean);
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
