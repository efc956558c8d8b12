// Buying seats as a client does: ask, review the quote the 409 answers with, buy with its id and
// the acknowledgement of the charges.
import type { ApiResponse, TestStack } from './stack';

export async function buySeats(stack: TestStack, accountId: string, license: 'ringex' | 'video_pro_plus', seats: number, credential?: string): Promise<ApiResponse> {
  const path = `/v1/accounts/${accountId}/licenses/${license}/seats`;
  const first = await stack.api('POST', path, { body: { seats }, credential });
  if (first.status !== 409 || first.body.type !== '/problems/purchase-confirmation-required') return first;
  return stack.api('POST', path, { body: { seats, quoteId: first.body.quote.id, acknowledgeCharges: true }, credential });
}
