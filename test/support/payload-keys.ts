// The payload keys of the test runs. Fixed, not random: the replay fixtures recorded from test runs
// are encrypted with TEST_PAYLOAD_KEY_A and decode with it (test/replay). Never used outside tests.
import { parsePayloadKeys } from '../../config/payload-codec';
import { dataConverter } from '../../config/temporal';
export const TEST_PAYLOAD_KEY_A = 'test-a:ft0mcHCkVp+QEdDrzGH6QDBKfo4Jnem1DBSwxARF1Ow=';
/** A second key, for rotation: B encrypts, A still decrypts. */
export const TEST_PAYLOAD_KEY_B = 'test-b:xMrVdFXjywJuzRGfMRswx8DjHVGkDf5JOYJ960QodoM=';
/** What every test client and worker uses unless a test says otherwise. */
export const TEST_PAYLOAD_KEYS = TEST_PAYLOAD_KEY_A;

/** The data converter of test clients and workers, for replaying what they recorded. */
export const testDataConverter = (keys = TEST_PAYLOAD_KEYS) => dataConverter({ payloadKeys: parsePayloadKeys(keys) });
