"""Verifies captured webhook deliveries with the Standard Webhooks reference library for Python
(`standardwebhooks` from PyPI), which this project did not write. Input: a JSON Lines file, one
delivery per line: {"headers": {...}, "body": "...", "secrets": ["whsec_...", ...]}, where
`secrets` are the secrets that must each verify it (two during a rotation). Prints one line per
delivery and a summary; exits 1 if any delivery fails to verify with any of its secrets, or if a
tampered copy of it verifies."""
import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main(path: str) -> int:
    checked = failed = signatures = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            headers, body = d["headers"], d["body"]
            problems = []
            for secret in d["secrets"]:
                try:
                    Webhook(secret).verify(body, headers)
                    signatures += 1
                except WebhookVerificationError as e:
                    problems.append(f"does not verify with a secret: {e}")
                try:
                    Webhook(secret).verify(body + " ", headers)
                    problems.append("a tampered body verifies")
                except WebhookVerificationError:
                    pass
            checked += 1
            event = json.loads(body)["type"]
            status = "FAILED " + "; ".join(problems) if problems else "ok"
            print(f"{headers['webhook-id']} {event:32} {len(d['secrets'])} secret(s) {status}")
            failed += bool(problems)
    print(f"standardwebhooks (Python): {checked} deliveries, {signatures} signatures verified, {failed} failed")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
