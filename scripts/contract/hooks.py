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
# What no JSON schema can state: a password and a PIN given twice must be the same; a text
# invitation's phone number must be one libphonenumber accepts (national formats in the account's
# country); a list's `cursor` is opaque, valid only as the `nextCursor` the API made (for that list
# and those filters); and a batch upload is a file of rows, each checked against the account (a CSV
# grammar, addresses, the account's company domains and country). Schema-valid requests Schemathesis
# generates follow them here, so the run tests everything else the document says; the refusals
# themselves are covered by the jest suites (test/fast/contract-exact.test.ts, test/lists,
# test/invitation-batches). Likewise a webhook endpoint's URL must resolve to an address webhooks
# may go to (DNS, not the document, decides): generated URLs are pointed at this run's own helper,
# and the SSRF guard's refusals are covered by test/webhooks/ssrf-guard.test.ts.

CONFIRMED = (("password", "passwordConfirmation"), ("pin", "pinConfirmation"))
VALID_PHONE = "+14155552671"
WEBHOOK_URL = CREDENTIAL_URL.rstrip("/") + "/webhook"


def _confirm(setup):
    if isinstance(setup, dict) and setup.get("option") == "assign_credentials":
        for value, again in CONFIRMED:
            if isinstance(setup.get(value), str) and isinstance(setup.get(again), str):
                setup[again] = setup[value]


import itertools  # noqa: E402

_rows = itertools.count(1)
ROLES = ("user", "admin")
LICENSES = ("ringex", "video_pro_plus", "video_pro", "mobile")
LOCALES = ("en", "fr")


def _upload_row(row):
    """A generated row, kept where its cells are already ones the account takes, with an address of its own."""
    kept = {k: row[k] for k, allowed in (("role", ROLES), ("license", LICENSES), ("locale", LOCALES)) if isinstance(row, dict) and row.get(k) in allowed}
    return {"email": f"row-{next(_rows)}@contract.test", **kept}


def _batch_upload(body, media_type):
    # A CSV upload is a file: whatever was generated for it (a string, or one of the JSON shapes the
    # union offers), what a client sends as text/csv is a CSV file.
    if isinstance(body, str) or media_type == "text/csv":
        return f"email,role\nrow-{next(_rows)}@contract.test,user\n"
    if isinstance(body, dict) and isinstance(body.get("invitations"), list):
        body["invitations"] = [_upload_row(row) for row in body["invitations"][:50]]
    return body


@schemathesis.hook
def map_case(ctx, case):
    if case.meta is None:
        return case
    if isinstance(case.query, dict) and "cursor" in case.query and not case.meta.is_negative_at(ParameterLocation.QUERY):
        del case.query["cursor"]
    body = case.body
    if case.meta.is_negative_at(ParameterLocation.BODY):
        return case
    path = case.operation.path
    if path.endswith("/invitation-batches") and case.operation.method.lower() == "post":
        case.body = _batch_upload(body, case.media_type)
        return case
    if not isinstance(body, dict):
        return case
    if path.endswith("/provisioning-quotes") or path.endswith("/provisioning-requests"):
        for user in body.get("users") or []:
            if isinstance(user, dict):
                _confirm(user.get("setup"))
    elif path.endswith("/users/{userId}/activation"):
        _confirm(body)
    elif path.endswith("/invitations") and body.get("channel") == "text" and isinstance(body.get("phone"), str):
        body["phone"] = VALID_PHONE
    elif "/webhook-endpoints" in path and isinstance(body.get("url"), str):
        body["url"] = WEBHOOK_URL
    return case
