// Who is calling: the holder of the request's API credential.
import type { Role } from '../../../domain/roles';

export interface Caller {
  credentialId: string;
  accountId: string;
  userId: string;
  role: Role;
  canPurchase: boolean;
  name: string;
}
