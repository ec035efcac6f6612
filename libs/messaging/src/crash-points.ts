/**
 * Fault injection for the durability tests: when HOMESTORE_CRASH_AT names this point, the process kills itself
 * with SIGKILL right here, as a power cut would. Unset in every real deployment, where this is one string compare.
 */
export type CrashPoint = 'relay:after-publish-before-mark' | 'consumer:after-commit-before-offset';

export function crashPoint(point: CrashPoint): void {
  if (process.env.HOMESTORE_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
