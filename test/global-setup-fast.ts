// Global setup of the fast tier (jest project `fast`): PostgreSQL and Temporal only; no worker
// runs, so no workflow bundle and no Prism (see setUpServices).
import { setUpServices } from './global-setup';

export default function globalSetupFast(): Promise<void> {
  return setUpServices({ forWorkers: false });
}
