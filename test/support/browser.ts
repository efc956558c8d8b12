// The browser the browser tests drive. By default the Chromium that ships inside the
// `@sparticuz/chromium` npm package (Linux x64), so `npm ci && npm test` needs no system browser.
// CHROMIUM_PATH (a system Chromium or Google Chrome) replaces it: the way on macOS and Windows,
// where that package has no binary (`npx playwright-core install chromium`, then CHROMIUM_PATH set
// to the browser it installed; or Google Chrome's executable). See README, "Tests".
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import packaged from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/** Flags for a system Chromium/Chrome (the packaged one comes with its own, `packaged.args`). */
const SYSTEM_BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

export async function launchBrowser(): Promise<Browser> {
  const custom = process.env.CHROMIUM_PATH?.trim();
  if (custom) {
    if (!fs.existsSync(custom)) throw new Error(`CHROMIUM_PATH: no browser at ${custom}`);
    return chromium.launch({ executablePath: custom, headless: true, args: SYSTEM_BROWSER_ARGS });
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `@sparticuz/chromium carries a browser for Linux x64 only (this is ${process.platform} ${process.arch}): ` +
        'run `npx playwright-core install chromium` and set CHROMIUM_PATH to the browser it installed, or to Google Chrome',
    );
  }
  const { executablePath, fontsDir } = await unpackedChromium();
  return chromium.launch({
    executablePath,
    args: packaged.args,
    headless: true,
    // The package brings fonts for machines with none configured (a bare container).
    env: fs.existsSync('/etc/fonts/fonts.conf') ? undefined : { ...process.env, FONTCONFIG_PATH: fontsDir },
  });
}

/**
 * `packaged.executablePath()` unpacks into os.tmpdir() and reuses whatever `chromium` file is
 * there: another checkout's version, or half a file from an interrupted run. So it unpacks here
 * into a directory of its own (TMPDIR pointed at it, in a child process) under a name keyed by the
 * package version and user, renamed into place only once complete; concurrent runs keep the first.
 */
async function unpackedChromium(): Promise<{ executablePath: string; fontsDir: string }> {
  const entry = require.resolve('@sparticuz/chromium');
  const root = path.resolve(path.dirname(entry), '..', '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const dir = path.join(os.tmpdir(), `provisioning-orchestrator-chromium-${version}-${process.getuid?.() ?? 'user'}`);
  const result = { executablePath: path.join(dir, 'chromium'), fontsDir: path.join(dir, 'fonts') };
  if (fs.existsSync(result.executablePath)) return result;

  const staging = fs.mkdtempSync(`${dir}.partial-`);
  try {
    const script = `require(${JSON.stringify(entry)}).executablePath().then((p) => process.stdout.write(p))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: staging } });
    if (stdout !== path.join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${stdout}, expected ${staging}`);
    try {
      fs.renameSync(staging, dir);
    } catch (err) {
      // Another run finished first: keep its copy.
      if (!fs.existsSync(result.executablePath)) throw err;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return result;
}
