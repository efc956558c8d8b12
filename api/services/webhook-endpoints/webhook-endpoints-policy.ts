// Who may manage webhook endpoints, and where they may point: the URL's shape, then every address
// its host resolves to (no loopback, private, link-local or metadata address, unless the setting
// allows them). The worker checks again at every connection (activities/webhook-http.ts).
import { lookup } from 'node:dns/promises';
import { refusedAddress, webhookUrlProblem } from '../../../domain/webhook-addresses';
import { problems } from '../../problems';
import type { Caller } from '../credentials';

/** Admins and Super Admins: endpoints receive every event of the account. */
export function assertMayManageWebhooks(caller: Caller): void {
  if (caller.role === 'user') throw problems.forbidden('Only admins manage webhook endpoints.');
}

export async function assertWebhookUrlAllowed(url: string, allowPrivateAddresses: boolean): Promise<void> {
  const shape = webhookUrlProblem(url);
  if (shape) throw problems.validation(`url ${shape}`, [{ field: 'url', message: `The URL ${shape}.` }]);
  if (allowPrivateAddresses) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw problems.webhookUrlRefused(`${host} does not resolve.`, [{ field: 'url', message: `${host} does not resolve to an address.` }]);
  }
  const refused = addresses.map(refusedAddress).find(Boolean);
  if (refused) throw problems.webhookUrlRefused(`Webhooks are not sent to ${host}: ${refused}.`, [{ field: 'url', message: `Resolves to an address webhooks are not sent to (${refused}).` }]);
}
