// Views reload on every run event, and two loads in flight can finish out of order: a load started before the last
// fine-tune stored its scores may resolve after the one started after it, and would overwrite fresh data with stale.
// Each load asks for a ticket; only the newest ticket may write its results.

/** Returns `begin()`: call it when a load starts; the function it returns is true while no newer load has started. */
export function latestLoad(): () => () => boolean {
  let newest = 0;
  return () => {
    const mine = ++newest;
    return () => mine === newest;
  };
}
