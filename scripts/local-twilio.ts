// `npx tsx scripts/local-twilio.ts`: the local Twilio-compatible endpoint on its own (docker-compose
// runs it for a try-out without Twilio credentials). PORT is the recorder; Prism listens on PORT+1.
import { startTwilioEndpoint, startTwilioMock } from './local-stack/twilio-endpoint';

async function main() {
  const port = Number(process.env.PORT ?? 4010);
  const host = process.env.HOST ?? '127.0.0.1';
  const mock = await startTwilioMock({ port: port + 1 });
  const endpoint = await startTwilioEndpoint({ mockUrl: mock.url, port, host });
  console.log(`Twilio-compatible endpoint on ${endpoint.url}`);
  const stop = async () => {
    await endpoint.stop();
    await mock.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
