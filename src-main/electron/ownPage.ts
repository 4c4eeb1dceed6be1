// The app's own page is exactly the bundled renderer index (any #route on it), not any file:// URL: a file
// the user downloaded and opened must neither call the API over IPC nor be navigated to.
import { pathToFileURL } from 'node:url';

export function ownPageCheck(rendererIndex: string): (url: string | undefined) => boolean {
  const own = pathToFileURL(rendererIndex).href;
  return (url) => {
    if (typeof url !== 'string') return false;
    let parsed: URL;
    try { parsed = new URL(url); } catch { return false; }
    return parsed.protocol === 'file:' && parsed.search === '' && `file://${parsed.host}${parsed.pathname}` === own;
  };
}
