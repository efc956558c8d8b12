// The `twilio` library, pointed at Twilio itself or at a Twilio-compatible endpoint (the local
// validating mock in dev and tests) through its own httpClient option.
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient';

export type TwilioClient = ReturnType<typeof twilio>;

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
