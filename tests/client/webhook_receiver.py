"""A webhook receiver on loopback for the registry's tests (tests/api/webhooks.rs) and its
benchmark (scripts/bench-webhooks): every delivery's signature is verified with the Standard
Webhooks reference library (`standardwebhooks`, pinned by scripts/webhook-python), and every
request is recorded.

It prints its port on the first line of standard output, then serves:

- POST /_control/expect {"path": "/bergen", "secret": "whsec_...", "fail_first": 3}: deliveries
  to `path` are verified with `secret`; the first `fail_first` attempts of each webhook-id are
  answered 503 (a large number: the receiver is down for that path), the rest 204.
- GET /_control/records: every request to a subscribed path so far, in arrival order, as JSON.
- POST <path>: a delivery. Answered 401 when its signature does not verify, 404 for a path
  nobody expects.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

LOCK = threading.Lock()
EXPECTED = {}  # path -> {"webhook": Webhook, "fail_first": int}
ATTEMPTS = {}  # (path, webhook-id) -> attempts so far
RECORDS = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if body:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_GET(self):
        if self.path == "/_control/records":
            with LOCK:
                out = json.dumps(RECORDS).encode()
            return self.answer(200, out)
        self.answer(404)

    def do_POST(self):
        raw = self.body()
        if self.path == "/_control/expect":
            order = json.loads(raw)
            with LOCK:
                EXPECTED[order["path"]] = {
                    "webhook": Webhook(order["secret"]),
                    "fail_first": int(order.get("fail_first", 0)),
                }
            return self.answer(204)
        with LOCK:
            expected = EXPECTED.get(self.path)
        if expected is None:
            return self.answer(404)
        headers = {k.lower(): v for k, v in self.headers.items()}
        msg_id = headers.get("webhook-id", "")
        try:
            payload = expected["webhook"].verify(raw, headers)
            verified = True
        except (WebhookVerificationError, ValueError) as e:
            payload, verified = {"error": str(e)}, False
        with LOCK:
            key = (self.path, msg_id)
            ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
            attempt = ATTEMPTS[key]
            if not verified:
                status = 401
            elif attempt <= expected["fail_first"]:
                status = 503
            else:
                status = 204
            RECORDS.append(
                {
                    "path": self.path,
                    "webhook_id": msg_id,
                    "timestamp": headers.get("webhook-timestamp"),
                    "verified": verified,
                    "attempt": attempt,
                    "answered": status,
                    "received_at": time.time(),
                    "payload": payload,
                }
            )
        self.answer(status)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
