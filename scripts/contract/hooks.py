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

from schemathesis.core.parameters import ParameterLocation  # noqa: E402
#
# Two rules no JSON schema can state: a password and a PIN given twice must be the same, and a text
# invitation's phone number must be one libphonenumber accepts (national formats in the account's
# country). Schema-valid bodies Schemathesis generates follow them here, so the run tests everything
# else the document says; the refusals themselves are covered by the jest suites.

CONFIRMED = (("password", "passwordConfirmation"), ("pin", "pinConfirmation"))
VALID_PHONE = "+14155552671"


def _confirm(setup):
    if isinstance(setup, dict) and setup.get("option") == "assign_credentials":
        for value, again in CONFIRMED:
            if isinstance(setup.get(value), str) and isinstance(setup.get(again), str):
                setup[again] = setup[value]


@schemathesis.hook
def map_case(ctx, case):
    body = case.body
    if not isinstance(body, dict) or case.meta is None or case.meta.is_negative_at(ParameterLocation.BODY):
        return case
    path = case.operation.path
    if path.endswith("/provisioning-quotes") or path.endswith("/provisioning-requests"):
        for user in body.get("users") or []:
            if isinstance(user, dict):
                _confirm(user.get("setup"))
    elif path.endswith("/users/{userId}/activation"):
        _confirm(body)
    elif path.endswith("/invitations") and body.get("channel") == "text" and isinstance(body.get("phone"), str):
        body["phone"] = VALID_PHONE
    return case
