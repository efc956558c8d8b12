// The `twilio` library, pointed at Twilio itself or at a Twilio-compatible endpoint (the local
// validating mock in dev and tests) through its own httpClient option.
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';

export type TwilioClient = ReturnType<typeof twilio>;

/**
 * Twilio answered 4xx other than 429 (an invalid or unreachable number, blocked content, a number no
 * longer for sale, an invalid area code): final, retrying cannot help. Anything else may pass later.
 */
export function isTwilioRefusal(err: unknown): err is { status: number; code?: number; message: string } {
  const e = err as { status?: number };
  return typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.status !== 429;
}

const TWILIO_API = 'https://api.twilio.com';

export function createTwilioClient(opts: { accountSid: string; authToken: string; apiBaseUrl?: string }): TwilioClient {
  if (!opts.apiBaseUrl) return twilio(opts.accountSid, opts.authToken);
  const base = opts.apiBaseUrl.replace(/\/$/, '');
  class RedirectingRequestClient extends RequestClient {
    override request<T>(req: RequestClient.RequestOptions<T>) {
      return super.request<T>({ ...req, uri: req.uri.startsWith(TWILIO_API) ? base + req.uri.slice(TWILIO_API.length) : req.uri });
    }
  }
  return twilio(opts.accountSid, opts.authToken, { httpClient: new RedirectingRequestClient() });
}
