// Schemas every resource's routes share.
import { z } from 'zod';

export const accountParams = z.strictObject({ accountId: z.string().min(1).max(64) });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .describe('RFC 9457 problem details');
