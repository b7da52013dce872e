"""Reads an answer on stdin and writes it as an OpenAPI example: times and tokens, which change
with every run, replaced by fixed values so the examples change only when the answers do."""
import json
import sys

FIXED_TIME = "2026-11-25T08:00:00.000000Z"


def fix(value, key=None):
    if isinstance(value, dict):
        return {k: fix(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [fix(v) for v in value]
    if isinstance(value, str) and (key == "at" or (key or "").endswith("_at")):
        return FIXED_TIME
    if key == "as_of" and isinstance(value, str):
        return FIXED_TIME[:10]
    if key == "access_token":
        return "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJleGFtcGxlIn0.c2lnbmF0dXJl"
    if key == "client_id" and isinstance(value, str):
        return "admin-example"
    return value


json.dump(fix(json.load(sys.stdin)), sys.stdout, indent=2, ensure_ascii=False)
sys.stdout.write("\n")
