"""A small SMTP server on loopback for the e-mail tests: it speaks enough of
RFC 5321 for a client such as libcurl (EHLO/HELO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT), keeps every message it accepts, and can be told to refuse the
next messages with a temporary error (451) to test retries."""
import socket
import threading


class Message:
    def __init__(self, sender, recipients, data):
        self.sender = sender          # the envelope's MAIL FROM address
        self.recipients = recipients  # the envelope's RCPT TO addresses
        self.data = data              # the message as sent, headers and body (bytes)

    def headers(self):
        head = self.data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
        out = {}
        for line in head.replace("\r\n ", " ").split("\r\n"):
            name, _, value = line.partition(":")
            out[name.strip().lower()] = value.strip()
        return out

    def body(self):
        return self.data.split(b"\r\n\r\n", 1)[1].decode("utf-8")


class SmtpSink:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = "smtp://127.0.0.1:%d" % self.port
        self.messages = []
        self.refused = 0      # messages refused so far
        self.refuse_next = 0  # how many of the next messages to refuse
        self.reject_next = 0  # how many of the next messages to reject for good (550)
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def take(self):
        """The messages accepted since the last take()."""
        with self.lock:
            out, self.messages = self.messages, []
            return out

    def refuse(self, n):
        with self.lock:
            self.refuse_next = n

    def reject(self, n):
        with self.lock:
            self.reject_next = n

    def close(self):
        self.closed = True
        self.sock.close()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(30)
        f = conn.makefile("rb")

        def say(line):
            conn.sendall(line.encode() + b"\r\n")

        try:
            say("220 sink ESMTP")
            sender, rcpts = None, []
            while True:
                line = f.readline(4096)
                if not line:
                    return
                cmd = line.decode("utf-8", "replace").strip()
                verb = cmd.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    say("250-sink")
                    say("250 8BITMIME")
                elif verb == "HELO":
                    say("250 sink")
                elif verb == "MAIL":
                    sender, rcpts = cmd.split(":", 1)[1].strip().strip("<>").split(">")[0], []
                    say("250 OK")
                elif verb == "RCPT":
                    rcpts.append(cmd.split(":", 1)[1].strip().strip("<>"))
                    say("250 OK")
                elif verb == "DATA":
                    say("354 go on")
                    data = b""
                    while True:
                        chunk = f.readline(1 << 20)
                        if not chunk or chunk == b".\r\n":
                            break
                        if chunk.startswith(b".."):
                            chunk = chunk[1:]
                        data += chunk
                    with self.lock:
                        refuse, reject = self.refuse_next > 0, self.reject_next > 0
                        if refuse:
                            self.refuse_next -= 1
                            self.refused += 1
                        elif reject:
                            self.reject_next -= 1
                        else:
                            self.messages.append(Message(sender, rcpts, data[:-2]))
                    say("451 try again later" if refuse else
                        "550 no such mailbox" if reject else "250 OK queued")
                    sender, rcpts = None, []
                elif verb == "RSET":
                    sender, rcpts = None, []
                    say("250 OK")
                elif verb == "NOOP":
                    say("250 OK")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("502 not implemented")
        except OSError:
            return
        finally:
            conn.close()
