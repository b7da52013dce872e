"""Reads an answer on stdin and writes it as an OpenAPI example: times and tokens, which change
with every run, replaced by fixed values so the examples change only when the answers do."""
import datetime
import json
import sys

FIXED_TIME = "2026-11-25T08:00:00.000000Z"
FIXED_DAY = datetime.date(2026, 11, 25)
# Dates counted from the day of the run (an announcement's effective date and objection deadline)
# keep their distance from it, counted from FIXED_DAY instead.
RELATIVE_DATES = ("effective_date", "objection_deadline")
ANNOUNCEMENT = "ann-3k9d2mf7qx"
WEBHOOK = "wh-4f9k2m7q1x"
WEBHOOK_MESSAGE = "msg_2bW9cQ7xKp4ZrT1mVn8sLd3F"


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def fix(value, key=None):
    if isinstance(value, dict):
        return {k: fix(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [fix(v) for v in value]
    if isinstance(value, str) and (key == "at" or (key or "").endswith("_at")):
        return FIXED_TIME
    if key == "as_of" and isinstance(value, str):
        return FIXED_TIME[:10]
    if key in RELATIVE_DATES and isinstance(value, str):
        return (FIXED_DAY + (datetime.date.fromisoformat(value) - today())).isoformat()
    if isinstance(value, str) and value.startswith("ann-"):
        return ANNOUNCEMENT
    if isinstance(value, str) and "/announcements/ann-" in value:
        return value.split("/announcements/ann-")[0] + "/announcements/" + ANNOUNCEMENT
    if key == "url" and isinstance(value, str) and value.startswith("http://127.0.0.1:"):
        return "https://hooks.bergen.kommune.no/feide-registry"
    if key == "secret" and isinstance(value, str) and value.startswith("whsec_"):
        return "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
    if key == "timestamp" and isinstance(value, str):
        return FIXED_TIME[:19] + "Z"
    if isinstance(value, str) and value.startswith("msg_"):
        return WEBHOOK_MESSAGE
    if isinstance(value, str) and value.startswith("wh-"):
        return WEBHOOK
    if isinstance(value, str) and "/webhooks/wh-" in value:
        head, tail = value.split("/webhooks/wh-", 1)
        rest = tail.split("/", 1)[1] if "/" in tail else None
        return head + "/webhooks/" + WEBHOOK + ("/" + rest if rest else "")
    if key == "access_token":
        return "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJleGFtcGxlIn0.c2lnbmF0dXJl"
    if key == "client_id" and isinstance(value, str):
        return "admin-example"
    return value


json.dump(fix(json.load(sys.stdin)), sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write("\n")
