import type { ChildProcess } from 'node:child_process';

/** A server we started must not outlive us, however we end (crash, process.exit, second Ctrl-C). */
export function killWithParent(child: ChildProcess): void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.on('exit', kill);
  child.once('exit', () => process.off('exit', kill));
}
