"""An HTTP endpoint on loopback for the webhook tests: it keeps every POST it
takes (headers and body) and can be told to answer the next ones with 500."""
import hashlib
import hmac
import http.server
import json
import threading


class Hook:
    def __init__(self, headers, body):
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body  # bytes

    def json(self):
        return json.loads(self.body)

    def signed_by(self, secret):
        """True when X-Kapsule-Signature is the HMAC of "<timestamp>.<body>" under secret."""
        msg = self.headers["x-kapsule-timestamp"].encode() + b"." + self.body
        want = "sha256=" + hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()
        return hmac.compare_digest(want, self.headers.get("x-kapsule-signature", ""))


class HookSink:
    def __init__(self):
        sink = self
        self.hooks = []
        self.refused = []
        self.fail_next = 0
        self.lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                hook = Hook(dict(self.headers), self.rfile.read(n))
                with sink.lock:
                    fail = sink.fail_next > 0
                    if fail:
                        sink.fail_next -= 1
                        sink.refused.append(hook)
                    else:
                        sink.hooks.append(hook)
                self.send_response(500 if fail else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hooks/kapsule" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self):
        with self.lock:
            out, self.hooks = self.hooks, []
            return out

    def fail(self, n):
        with self.lock:
            self.fail_next = n

    def close(self):
        self.server.shutdown()
        self.server.server_close()
