"""Runs scim2-tester (python-scim, PyPI) against a live SCIM endpoint: SCIM_URL and SCIM_TOKEN.

Prints one line per check and a summary by status; writes every result as JSON lines to
SCIM_CHECK_REPORT when set. Exits 1 when any check is ERROR or CRITICAL (a MUST of RFC 7643/7644
broken), 0 otherwise. Started by scripts/scim-check.ts (`npm run scim:check`).
"""

import collections
import json
import os
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

url = os.environ["SCIM_URL"]
token = os.environ["SCIM_TOKEN"]
client = SyncSCIMClient(Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30))
results = check_server(client)

counts = collections.Counter()
report = open(os.environ["SCIM_CHECK_REPORT"], "w") if os.environ.get("SCIM_CHECK_REPORT") else None
for r in results:
    counts[r.status.name] += 1
    where = f"[{r.resource_type}] " if getattr(r, "resource_type", None) else ""
    print(f"{r.status.name:<10} {where}{r.title}" + (f": {r.reason}" if r.status not in (Status.SUCCESS, Status.SKIPPED) and r.reason else ""))
    if report:
        report.write(json.dumps({"status": r.status.name, "resource_type": getattr(r, "resource_type", None), "title": r.title, "reason": r.reason}) + "\n")

print("summary: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f" (of {len(results)} checks)")
sys.exit(1 if counts["ERROR"] or counts["CRITICAL"] else 0)
