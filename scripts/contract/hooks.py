# Schemathesis hooks for `npm run contract` (scripts/contract/run.ts sets SCHEMATHESIS_HOOKS=hooks).
#
# The run tests every operation, the credential-revoking one included, so it may revoke the very
# credential it is using. The credential comes from a helper that scripts/contract/run.ts serves:
# it answers with a credential that works (issuing a new one when the last was revoked), and a 401
# makes Schemathesis ask again.
import json
import os
import urllib.request

import schemathesis

CREDENTIAL_URL = os.environ["CONTRACT_CREDENTIAL_URL"]


@schemathesis.auth(refresh_interval=30, retry_on=[401])
class ContractCredential:
    def get(self, case, ctx):
        with urllib.request.urlopen(CREDENTIAL_URL, timeout=10) as res:
            return json.load(res)["credential"]

    def set(self, case, data, ctx):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
