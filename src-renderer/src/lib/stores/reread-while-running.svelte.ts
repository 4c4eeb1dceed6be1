// A running run that stops stepping is reported stalled on read (the store decides), and no event announces it:
// views showing running runs re-read them every minute. Call from a component's script (it creates an effect).
const REREAD_MS = 60_000;

export function rereadWhileRunning(running: () => boolean, load: () => unknown): void {
  $effect(() => {
    if (!running()) return;
    const timer = setInterval(load, REREAD_MS);
    return () => clearInterval(timer);
  });
}
