import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as Record<string, unknown>).__testStack as
    | { postgres?: { stop(): Promise<void> }; temporal?: { stop(): Promise<void> }; twilioMock?: { stop(): Promise<void> }; postgresDir: string; tmp: string }
    | undefined;
  if (!stack) return;
  delete (globalThis as Record<string, unknown>).__testStack;
  await Promise.allSettled([stack.temporal?.stop(), stack.postgres?.stop(), stack.twilioMock?.stop()]);
  fs.rmSync(stack.postgresDir, { recursive: true, force: true });
  fs.rmSync(stack.tmp, { recursive: true, force: true });
}
