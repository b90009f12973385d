"""A small PostgreSQL client for the tests, on the standard library only.

Speaks the frontend/backend protocol (version 3.0) over TCP with trust
authentication and the simple query protocol: enough to read what the server
stored and to create and drop test databases.  Values come back as Python
values the way the sqlite3 module gives them: integers as int, booleans as
0/1, bytea as bytes, NULL as None, the rest as str.
"""
import socket
import struct
import urllib.parse

INT_TYPES = {20, 21, 23, 26}  # int8, int2, int4, oid
BOOL, BYTEA, NUMERIC = 16, 17, 1700


class Error(Exception):
    def __init__(self, fields):
        self.fields = fields
        super().__init__("%s: %s" % (fields.get("C", "?"), fields.get("M", "?")))


def parse_url(url):
    u = urllib.parse.urlparse(url)
    return {"host": u.hostname or "127.0.0.1", "port": u.port or 5432,
            "user": urllib.parse.unquote(u.username or "postgres"),
            "database": urllib.parse.unquote(u.path.lstrip("/") or "postgres")}


def with_database(url, name):
    """url with its database replaced by name."""
    u = urllib.parse.urlparse(url)
    return urllib.parse.urlunparse(u._replace(path="/" + name))


def quote(v):
    """A value written as an SQL literal."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, bytes):
        return "'\\x%s'::bytea" % v.hex()
    return "'" + str(v).replace("'", "''") + "'"


def interpolate(query, args):
    """Replaces each ? outside quotes with the next argument, as a literal."""
    out, it, q = [], iter(args), None
    for ch in query:
        if q:
            if ch == q:
                q = None
            out.append(ch)
        elif ch in "'\"":
            q = ch
            out.append(ch)
        elif ch == "?":
            out.append(quote(next(it)))
        else:
            out.append(ch)
    return "".join(out)


def convert(value, oid):
    if value is None:
        return None
    if oid in INT_TYPES:
        return int(value)
    if oid == BOOL:
        return 1 if value == b"t" else 0
    if oid == BYTEA:
        return bytes.fromhex(value[2:].decode())
    if oid == NUMERIC and b"." not in value:
        return int(value)
    return value.decode()


class Connection:
    def __init__(self, url, timeout=30):
        p = parse_url(url)
        self.sock = socket.create_connection((p["host"], p["port"]), timeout=timeout)
        params = b"user\0" + p["user"].encode() + b"\0database\0" + p["database"].encode() + \
            b"\0client_encoding\0UTF8\0\0"
        body = struct.pack("!i", 196608) + params
        self.sock.sendall(struct.pack("!i", len(body) + 4) + body)
        while True:
            kind, data = self._read()
            if kind == b"R" and struct.unpack("!i", data[:4])[0] != 0:
                raise Error({"M": "only trust authentication is supported"})
            if kind == b"E":
                raise Error(self._fields(data))
            if kind == b"Z":
                break

    def _recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("the server closed the connection")
            buf += chunk
        return buf

    def _read(self):
        head = self._recv(5)
        n = struct.unpack("!i", head[1:])[0]
        return head[:1], self._recv(n - 4)

    @staticmethod
    def _fields(data):
        out = {}
        for part in data.split(b"\0"):
            if part:
                out[part[:1].decode()] = part[1:].decode("utf-8", "replace")
        return out

    def query(self, sql, *args):
        """Runs sql (with ? placeholders filled from args); returns the rows
        of its last statement as a list of tuples."""
        if args:
            sql = interpolate(sql, args)
        body = sql.encode() + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!i", len(body) + 4) + body)
        rows, types, error = [], [], None
        while True:
            kind, data = self._read()
            if kind == b"T":
                rows, types = [], []
                n = struct.unpack("!h", data[:2])[0]
                pos = 2
                for _ in range(n):
                    end = data.index(b"\0", pos)
                    pos = end + 1
                    types.append(struct.unpack("!i", data[pos + 6:pos + 10])[0])
                    pos += 18
            elif kind == b"D":
                n = struct.unpack("!h", data[:2])[0]
                pos, row = 2, []
                for i in range(n):
                    size = struct.unpack("!i", data[pos:pos + 4])[0]
                    pos += 4
                    if size < 0:
                        row.append(None)
                    else:
                        row.append(convert(data[pos:pos + size], types[i]))
                        pos += size
                rows.append(tuple(row))
            elif kind == b"E":
                error = Error(self._fields(data))
            elif kind == b"Z":
                break
        if error:
            raise error
        return rows

    def close(self):
        try:
            self.sock.sendall(b"X" + struct.pack("!i", 4))
        except OSError:
            pass
        self.sock.close()
