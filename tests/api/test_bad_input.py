"""Bad input on every write route (every POST and DELETE in src/routes.c,
sign-in and the test hooks included).

The cases are generated from a table of routes (method, path, the role that
may call it, the handler's field table from src/api/*.c and a valid body)
and from the value rules in src/domain/*.c.  Every case is its own test:

  * malformed JSON: truncated, trailing garbage, an array, a string or a
    number instead of an object, duplicate keys, ...;
  * a wrong type for each field, each required field missing, an unknown
    extra field (also inside order items);
  * a body just over the route's limit (by Content-Length and chunked), and
    one exactly at the limit (read and judged on its content);
  * invalid UTF-8 in the body and in a multipart text part; control
    characters and NUL in every text field;
  * a wrong Content-Type; unknown or malformed ids in the path;
  * the value rules (lengths, enums, ranges, references, conflicts);
  * forbidden state transitions (409 naming the current state);
  * uploads: disguised files, a file over max_file_bytes, too many files,
    broken multipart bodies;
  * Idempotency-Key: a replay gives the same answer and makes one change,
    the same key with another request is refused with 422, bad keys with 400.

For every bad request the answer must be a 4xx JSON error
{"error": {"code", "message"[, "field"]}} with the expected code (see
src/base/err.h), naming the field at fault where there is one, and the
database must be exactly as it was: fingerprint() extends the harness'
fingerprint with a digest of the full content of every table.  Each case
starts from the same database (taken after set-up); when the server wrongly
carries out a bad request the test fails and the database is put back, so
that one wrong answer cannot change what the other cases see.

ValidBodies is the control: each route's valid request is accepted, so each
case differs from an accepted request in one point only.
"""
import hashlib
import http.client
import json
import re
import unittest

import harness
from harness import JPEG, PDF, PNG, ServerCase, multipart, new_key

MAX_BODY = 4096
MAX_UPLOAD = 65536
MAX_FILE = 32768
MAX_FILES = 10          # the default max_files
LIMIT_ARGS = ("--max-body-bytes=%d" % MAX_BODY, "--max-upload-bytes=%d" % MAX_UPLOAD,
              "--max-file-bytes=%d" % MAX_FILE,
              # some cases reach the sign-in check; never lock the test client out
              "--login-address-failures=100000")

JSON_CT = "application/json"
ANY = object()          # "do not check" for an expected field

# ---- the demo data (src/domain/demo.c); checked in setUpClass ----
E_OPEN = 1              # Jane, Northwind, open, no assignee
E_AWAITING_VENDOR = 2   # Tom, Northwind, vendor request 1 open
E_OPEN_B = 3            # Jane, Blue Heron, open (vendor request 2 answered)
E_AWAITING_CUSTOMER = 4  # Priya
E_RESOLVED = 5          # Li Wei
E_CLOSED = 6            # Tom
VR_OPEN = 1             # Northwind, open
VR_ANSWERED = 2         # Blue Heron, answered
VR_CANCELLED = 3        # made (and cancelled) by setUpClass on E_OPEN
VR_WITH_PHONE = 4       # made by setUpClass on E_OPEN, answered with a phone number
X_OPEN = 1              # the violation that answer opened
N_VENDOR = 2            # Northwind's sales user told of vendor request 1
# made by setUpClass on Tom's enquiry awaiting Northwind (appeal_fixtures):
VR_LATE = 5             # overdue: a late mark to appeal
AP_OPEN = 1             # an open appeal (on request 6)
AP_OPEN2 = 2            # another (on request 7)
RF_CHARGED = 1          # an automatic refund charged to Northwind (for request 8)
X_CONFIRMED = 2         # a confirmed violation (request 9's answer)
U_ADMIN, U_AGENT, U_AGENT2, U_INTEGRATION, U_VENDOR, U_CUSTOMER = 1, 2, 3, 4, 5, 10
ORDER_FREE = 9          # Jane's KP-100209: no enquiry yet
ORDER_OF_TOM = 3        # KP-100203

DEMO_ENQUIRIES = {E_OPEN: "open", E_AWAITING_VENDOR: "awaiting_vendor", E_OPEN_B: "open",
                  E_AWAITING_CUSTOMER: "awaiting_customer", E_RESOLVED: "resolved",
                  E_CLOSED: "closed"}
DEMO_USERS = {U_ADMIN: harness.ADMIN, U_AGENT: harness.AGENT, U_AGENT2: harness.AGENT2,
              U_INTEGRATION: "integration@kapsule.co.uk", U_VENDOR: harness.VENDOR,
              U_CUSTOMER: harness.CUSTOMER}


def check_demo(s):
    got = dict(s.sql("SELECT id, status FROM enquiries"))
    assert all(got.get(k) == v for k, v in DEMO_ENQUIRIES.items()), got
    got = dict(s.sql("SELECT id, state FROM vendor_requests"))
    assert got.get(VR_OPEN) == "open" and got.get(VR_ANSWERED) == "answered", got
    got = dict(s.sql("SELECT id, email FROM users"))
    assert all(got.get(k) == v for k, v in DEMO_USERS.items()), got
    assert s.sql("SELECT number, customer_id FROM orders WHERE id = ?", ORDER_FREE) == \
        [("KP-100209", 1)]
    assert s.sql("SELECT COUNT(*) FROM enquiries WHERE order_id = ?", ORDER_FREE) == [(0,)]
    assert s.sql("SELECT user_id FROM notifications WHERE id = ?", N_VENDOR) == [(U_VENDOR,)]


def appeal_fixtures(s, t):
    """Marks on Northwind's record to appeal, on Tom's enquiry awaiting it: an overdue
    request, two open appeals, a refund charged to it and a confirmed violation.  Their
    ids (VR_LATE ... X_CONFIRMED) when made on the demo data."""
    def late():
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % E_AWAITING_VENDOR, t["agent"],
                   {"question": "When did it go out?"})
        assert r.status == 201, r
        s.change("UPDATE vendor_requests SET state = 'overdue' WHERE id = ?", r.json()["id"])
        return r.json()["id"]

    def appeal(vid):
        body, ctype = multipart({"text": "It went out on time."}, [])
        r = s.post("/api/v1/vendor-requests/%d/appeal" % vid, t["vendor"], raw=body,
                   content_type=ctype)
        assert r.status == 201, r
        return r.json()["id"]

    ids = {"late": late(), "appeal": appeal(late()), "appeal2": appeal(late())}
    vid = late()
    s.change("INSERT INTO refunds (enquiry_id, order_id, vendor_id, vendor_request_id, kind,"
             " amount, currency, charged_to, reason, created_at) SELECT e.id, e.order_id,"
             " e.vendor_id, r.id, 'automatic', 1000, 'GBP', 'vendor', 'lapsed', 1"
             " FROM vendor_requests r JOIN enquiries e ON e.id = r.enquiry_id WHERE r.id = ?", vid)
    ids["refund"] = s.sql("SELECT id FROM refunds WHERE vendor_request_id = ?", vid)[0][0]
    r = s.post("/api/v1/enquiries/%d/vendor-requests" % E_AWAITING_VENDOR, t["agent"],
               {"question": "Tracking?"})
    assert r.status == 201, r
    body, ctype = multipart({"text": "Ring us on 07700 900 616."}, [])
    r = s.post("/api/v1/vendor-requests/%d/answer" % r.json()["id"], t["vendor"], raw=body,
               content_type=ctype)
    assert r.status == 200 and r.json()["violation_id"], r
    ids["violation"] = r.json()["violation_id"]
    r = s.post("/api/v1/violations/%d/confirm" % ids["violation"], t["agent"],
               {"reason": "A phone number."})
    assert r.status == 200, r
    return ids


# ---- the database fingerprint ----

def fingerprint(s):
    """The harness' fingerprint plus a digest of every row of every table, so
    that any change at all (an updated vendor, a login failure, an audit
    event, a stored idempotency key) shows."""
    fp = s.fingerprint()
    for t in s.tables():
        fp["rows:" + t] = hashlib.sha256(repr(s.table_rows(t)).encode()).hexdigest()
    return fp


def fp_diff(a, b):
    """What changed between two fingerprints, briefly."""
    out = []
    for k in sorted(set(a) | set(b)):
        x, y = a.get(k), b.get(k)
        if x == y:
            continue
        if k.startswith("rows:"):
            out.append(k)
        elif isinstance(x, list) and isinstance(y, list):
            out.append("%s: -%r +%r" % (k, [r for r in x if r not in y],
                                          [r for r in y if r not in x]))
        else:
            out.append("%s: %r -> %r" % (k, x, y))
    return "; ".join(out)


# ---- sending requests ----

def send(s, method, path, token=None, data=None, ctype=None, headers=(), chunked=False):
    """One request with full control over the body, its type and framing."""
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        if token:
            conn.putheader("Authorization", "Bearer " + token)
        if ctype is not None:
            conn.putheader("Content-Type", ctype)
        for k, v in headers:
            conn.putheader(k, v)
        if chunked:
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            for i in range(0, len(data), 2048):
                piece = data[i:i + 2048]
                conn.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
            conn.send(b"0\r\n\r\n")
        elif data is not None:
            conn.putheader("Content-Length", str(len(data)))
            conn.endheaders(data)
        else:
            conn.endheaders()
        resp = conn.getresponse()
        return harness.Response(resp.status, resp.getheaders(), resp.read())
    finally:
        conn.close()


def dumps(o):
    return json.dumps(o).encode()


def set_path(body, path, value, delete=False):
    """A deep copy of body with the member at path ("items[0].name") set or removed."""
    body = json.loads(json.dumps(body))
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    cur = body
    for p in parts[:-1]:
        cur = cur[int(p[1:-1])] if p.startswith("[") else cur[p]
    last = parts[-1]
    key = int(last[1:-1]) if last.startswith("[") else last
    if delete:
        del cur[key]
    else:
        cur[key] = value
    return body


def mp_raw(parts, boundary="kapsuleBOUNDARY"):
    """A multipart body from (headers, data) pairs, closed properly."""
    out = b""
    for head, data in parts:
        out += b"--" + boundary.encode() + b"\r\n" + head + b"\r\n\r\n" + data + b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return out, "multipart/form-data; boundary=" + boundary


def text_part(value, name=b"text"):
    return (b'Content-Disposition: form-data; name="' + name + b'"', value)


def file_part(data, filename=b"photo.png", name=b"files", ctype=b"image/png"):
    return (b'Content-Disposition: form-data; name="' + name + b'"; filename="' + filename +
            b'"\r\nContent-Type: ' + ctype, data)


# ---- the routes ----

S, I, IN, SA, OA = "string", "integer", "integer_or_null", "string_array", "object_array"


class Route:
    def __init__(self, name, method, path, role, kind, fields=(), valid=None, text=(),
                 ids=False):
        self.name, self.method, self.path, self.role, self.kind = name, method, path, role, kind
        self.fields = list(fields)   # (name, type, required), as in the handler's table
        self.valid = valid if valid is not None else {}
        self.text = list(text)       # text fields checked by dom_check_text
        self.ids = ids               # the path has an {id}


ITEM = {"sku": "NW-TEST", "name": "Test jug", "quantity": 1, "unit_price": 1500}
ITEM_FIELDS = [("sku", S, 0), ("name", S, 1), ("quantity", I, 1), ("unit_price", I, 1)]

ROUTES = [
    Route("login", "POST", "/api/v1/auth/login", None, "json",
          [("email", S, 1), ("password", S, 1)],
          {"email": harness.CUSTOMER, "password": harness.PASSWORD}, ["email"]),
    Route("logout", "POST", "/api/v1/auth/logout", "logout", "json"),
    Route("session_revoke", "DELETE", "/api/v1/sessions/{sid}", "customer", "none", ids=True),
    Route("users", "POST", "/api/v1/users", "admin", "json",
          [("email", S, 1), ("name", S, 1), ("role", S, 1), ("password", S, 0),
           ("vendor_id", I, 0)],
          {"email": "new.agent@kapsule.co.uk", "name": "New Agent", "role": "agent",
           "password": "a-long-enough-password"}, ["email", "name"]),
    Route("tokens", "POST", "/api/v1/tokens", "admin", "json",
          [("user_id", I, 1), ("label", S, 1)],
          {"user_id": U_INTEGRATION, "label": "nightly sync"}, ["label"]),
    Route("vendors", "POST", "/api/v1/vendors", "integration", "json",
          [("ref", S, 1), ("shop_name", S, 1), ("contact_email", S, 0),
           ("contact_phone", S, 0), ("website", S, 0), ("handles", S, 0)],
          {"ref": "V-BADINPUT", "shop_name": "Bad Input Pottery",
           "contact_email": "shop@badinput.example", "contact_phone": "01632 960 999",
           "website": "https://badinput.example", "handles": "@badinputpottery"},
          ["ref", "shop_name", "contact_email", "contact_phone", "website", "handles"]),
    Route("customers", "POST", "/api/v1/customers", "integration", "json",
          [("ref", S, 1), ("email", S, 1), ("first_name", S, 1), ("last_name", S, 1),
           ("phone", S, 0), ("address", S, 0)],
          {"ref": "C-BADINPUT", "email": "bea.input@example.com", "first_name": "Bea",
           "last_name": "Input", "phone": "07700 900999", "address": "1 Test Street, York"},
          ["ref", "email", "first_name", "last_name", "phone", "address"]),
    Route("orders", "POST", "/api/v1/orders", "integration", "json",
          [("number", S, 1), ("customer_ref", S, 1), ("vendor_ref", S, 1), ("items", OA, 1),
           ("amount", I, 1), ("currency", S, 1), ("note", S, 0), ("placed_at", I, 0)],
          {"number": "KP-BADINPUT-1", "customer_ref": "C-1001", "vendor_ref": "V-NORTHWIND",
           "items": [ITEM], "amount": 1500, "currency": "GBP", "note": "Leave at the door",
           "placed_at": 1700000000000},
          ["number", "customer_ref", "vendor_ref", "note", "items[0].name", "items[0].sku"]),
    Route("enquiries", "POST", "/api/v1/enquiries", "customer", "upload",
          [("order_id", I, 1), ("category", S, 1), ("subject", S, 1), ("message", S, 1)],
          {"order_id": ORDER_FREE, "category": "damaged", "subject": "Cracked lid",
           "message": "The lid of the pie dish arrived cracked."}, ["subject", "message"]),
    Route("messages", "POST", "/api/v1/enquiries/{id}/messages", "agent", "upload",
          [("body", S, 1), ("audience", S, 0)],
          {"body": "Checked the courier's scan history.", "audience": "internal"}, ["body"],
          ids=True),
    Route("assign", "POST", "/api/v1/enquiries/{id}/assign", "agent", "json",
          [("assignee_id", IN, 1)], {"assignee_id": U_AGENT}, ids=True),
    Route("status", "POST", "/api/v1/enquiries/{id}/status", "agent", "json",
          [("status", S, 1)], {"status": "awaiting_customer"}, ids=True),
    Route("reopen", "POST", "/api/v1/enquiries/{id}/reopen", "agent", "json", ids=True),
    Route("vreq_create", "POST", "/api/v1/enquiries/{id}/vendor-requests", "agent", "json",
          [("question", S, 1), ("evidence", SA, 0), ("due_in_hours", I, 0)],
          {"question": "Please send the tracking number.", "evidence": ["tracking", "photo"],
           "due_in_hours": 24}, ["question"], ids=True),
    Route("vreq_answer", "POST", "/api/v1/vendor-requests/{id}/answer", "vendor", "upload",
          [("text", S, 1)], {"text": "Dispatched on Monday with tracking NW123."}, ["text"],
          ids=True),
    Route("vreq_cancel", "POST", "/api/v1/vendor-requests/{id}/cancel", "agent", "json",
          ids=True),
    Route("violation_confirm", "POST", "/api/v1/violations/{id}/confirm", "agent", "json",
          [("reason", S, 1)], {"reason": "A phone number in the answer."}, ["reason"], ids=True),
    Route("violation_dismiss", "POST", "/api/v1/violations/{id}/dismiss", "agent", "json",
          [("reason", S, 1)], {"reason": "The shop's own order line."}, ["reason"], ids=True),
    Route("vreq_appeal", "POST", "/api/v1/vendor-requests/{id}/appeal", "vendor", "upload",
          [("text", S, 1)], {"text": "It went out in time; see the courier's scan."}, ["text"],
          ids=True),
    Route("refund_appeal", "POST", "/api/v1/refunds/{id}/appeal", "vendor", "upload",
          [("text", S, 1)], {"text": "The parcel was delivered; see the proof."}, ["text"],
          ids=True),
    Route("violation_appeal", "POST", "/api/v1/violations/{id}/appeal", "vendor", "upload",
          [("text", S, 1)], {"text": "That number is our listed shop line."}, ["text"],
          ids=True),
    Route("appeal_uphold", "POST", "/api/v1/appeals/{id}/uphold", "agent", "json",
          [("reason", S, 1)], {"reason": "The scan shows it went out late."}, ["reason"],
          ids=True),
    Route("appeal_reverse", "POST", "/api/v1/appeals/{id}/reverse", "agent", "json",
          [("reason", S, 1)], {"reason": "The courier confirms the delay."}, ["reason"],
          ids=True),
    Route("notes_read", "POST", "/api/v1/notifications/read", "vendor", "json",
          [("up_to", I, 1)], {"up_to": N_VENDOR}),
    Route("note_read", "POST", "/api/v1/notifications/{id}/read", "vendor", "json", ids=True),
    Route("test_clock", "POST", "/api/v1/_test/clock", "admin", "json",
          [("advance_ms", I, 1)], {"advance_ms": 0}),
    Route("test_jobs", "POST", "/api/v1/_test/jobs", "admin", "json"),
]
ROUTE = {r.name: r for r in ROUTES}
# The id in the path of each route's valid request.
DEFAULT_ID = {"messages": E_OPEN, "assign": E_OPEN, "status": E_OPEN, "reopen": E_RESOLVED,
              "vreq_create": E_OPEN, "vreq_answer": VR_OPEN, "vreq_cancel": VR_OPEN,
              "violation_confirm": X_OPEN, "violation_dismiss": X_OPEN, "note_read": N_VENDOR,
              "vreq_appeal": VR_LATE, "refund_appeal": RF_CHARGED,
              "violation_appeal": X_CONFIRMED, "appeal_uphold": AP_OPEN,
              "appeal_reverse": AP_OPEN2}


class Case:
    """One bad request and the answer it must get."""

    def __init__(self, route, name, status, code, field=ANY, body=None, raw=None,
                 ctype=JSON_CT, path=None, role=None, headers=(), chunked=False,
                 contains=(), absent=()):
        self.route, self.name = route, name
        self.status, self.code, self.field = status, code, field
        r = ROUTE[route]
        self.method = r.method
        self.path = path if path is not None else r.path
        self.role = role if role is not None else r.role
        if raw is None and body is not None:
            raw = dumps(body)
        self.raw, self.ctype = raw, (ctype if raw is not None else None)
        self.headers, self.chunked = tuple(headers), chunked
        self.contains, self.absent = tuple(contains), tuple(absent)


def path_of(route, ident):
    return ROUTE[route].path.replace("{id}", str(ident))


def default_path(r):
    return r.path.replace("{id}", str(DEFAULT_ID.get(r.name, "")))


WRONG = {
    S: [("integer", 123), ("boolean", True), ("null", None), ("object", {"a": "b"}),
        ("array", ["x"])],
    I: [("string", "1"), ("float", 1.5), ("boolean", True), ("null", None), ("object", {}),
        ("array", [1])],
    IN: [("string", "1"), ("float", 1.5), ("boolean", False), ("object", {}), ("array", [1])],
    SA: [("string", "photo"), ("int_elements", [1]), ("null_elements", [None]),
         ("nested_arrays", [["photo"]]), ("object", {}), ("null", None)],
    OA: [("object", ITEM), ("int_elements", [1]), ("string_elements", ["x"]),
         ("nested_arrays", [[ITEM]]), ("null_elements", [None]), ("null", None),
         ("string", "x")],
}

BAD_UTF8 = [("ff_fe", b"\xff\xfe"), ("overlong_slash", b"\xc0\xaf"),
            ("surrogate", b"\xed\xa0\x80"), ("truncated_euro", b"\xe2\x82"),
            ("above_10ffff", b"\xf4\x90\x80\x80"), ("latin1_e_acute", b"caf\xe9"),
            ("lone_continuation", b"\x80")]

# Control characters inside a JSON string, written as JSON escapes (valid JSON).
CONTROLS = [("nul", "\\u0000"), ("soh", "\\u0001"), ("escape_sequence", "\\u001b[2J"),
            ("backspace", "\\b"), ("form_feed", "\\f"), ("del", "\\u007f")]
# C1 controls (U+0080..U+009F) are control characters too: one per route.
C1 = ("c1_csi", "\\u009b")


def get_path(body, path):
    for p in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        body = body[int(p[1:-1])] if p.startswith("[") else body[p]
    return body


MARK = "@@MARK@@"


def json_with_text(valid, field, inject):
    """The valid body with `inject` (bytes, put in verbatim) after the first
    character of field's valid value, which stays otherwise as it was (an
    e-mail address stays an address)."""
    value = get_path(valid, field)
    body = dumps(set_path(valid, field, value[:1] + MARK + value[1:]))
    assert body.count(MARK.encode()) == 1
    return body.replace(MARK.encode(), inject)


def body_cases(r):
    """Cases for a route that takes a JSON body (and the JSON side of uploads)."""
    out = []
    path = default_path(r)
    valid = dumps(r.valid)
    limit = MAX_UPLOAD if r.kind == "upload" else MAX_BODY
    add = lambda name, status, code, **kw: out.append(  # noqa: E731
        Case(r.name, name, status, code, path=path, **kw))

    # -- malformed JSON --
    first = r.fields[0][0] if r.fields else "x"
    first_val = r.valid.get(first, 1)
    if r.valid:  # a known key twice, every value valid
        k, v = next(iter(r.valid.items()))
        duplicate = b"{" + dumps(k) + b":" + dumps(v) + b"," + valid[1:]
        trailing_comma = valid[:-1] + b",}"
    else:
        duplicate, trailing_comma = b'{"x":1,"x":1}', b'{"x":1,}'
    malformed = [
        ("truncated", valid[:max(1, len(valid) // 2)]),
        ("unterminated_object", b'{"' + first.encode() + b'": ' + dumps(first_val)),
        ("trailing_garbage", valid + b" xyz"),
        ("two_objects", valid + b"{}"),
        ("array_instead_of_object", b"[" + valid + b"]"),
        ("empty_array", b"[]"),
        ("string_instead_of_object", b'"' + first.encode() + b'"'),
        ("number_instead_of_object", b"42"),
        ("null_instead_of_object", b"null"),
        ("true_instead_of_object", b"true"),
        ("duplicate_key", duplicate),
        ("single_quotes", b"{'" + first.encode() + b"': 1}"),
        ("unquoted_key", b"{" + first.encode() + b": 1}"),
        ("trailing_comma", trailing_comma),
        ("nan_value", b"{" + dumps(first) + b": NaN}"),
        ("raw_control_byte_in_string", b'{"' + first.encode() + b'": "a\x01b"}'),
        ("only_whitespace", b"   \r\n "),
        ("deeply_nested_arrays", b"[" * 2000 + b"]" * 2000),
    ]
    for name, raw in malformed:
        add("malformed_json_" + name, 400, "malformed_json", raw=raw)

    # -- wrong types, missing and unknown fields --
    for fname, ftype, required in r.fields:
        for label, value in WRONG[ftype]:
            add("wrong_type_%s_%s" % (fname, label), 400, "wrong_type", field=fname,
                body=set_path(r.valid, fname, value), contains=(fname,))
        if ftype in (I, IN):
            # valid JSON (RFC 8259 sets no range), but past any id, amount or count
            add("integer_beyond_int64_%s" % fname, 400, "invalid_value", field=fname,
                body=set_path(r.valid, fname, 2 ** 64), contains=(fname,))
        if required:
            add("missing_" + fname, 400, "missing_field", field=fname,
                body=set_path(r.valid, fname, None, delete=True), contains=(fname,))
    if any(f[2] for f in r.fields):
        req = [f[0] for f in r.fields if f[2]][0]
        add("empty_object", 400, "missing_field", field=req, raw=b"{}")
        add("empty_body", 400, "missing_field", field=req, raw=b"")
    add("unknown_field", 400, "unknown_field", field="bogus",
        body=dict(r.valid, bogus=1), contains=("bogus",))
    if r.fields:
        near = r.fields[0][0].upper()
        add("unknown_field_wrong_case", 400, "unknown_field", field=near,
            body=dict(r.valid, **{near: r.valid.get(r.fields[0][0], 1)}))
    add("unknown_field_null", 400, "unknown_field", field="extra", body=dict(r.valid, extra=None))

    # -- sizes --
    add("over_limit_by_one_byte", 413, "too_large", raw=valid + b" " * (limit + 1 - len(valid)))
    add("over_limit_chunked", 413, "too_large",
        raw=valid + b" " * (limit + 1 - len(valid)), chunked=True)
    at_limit = dict(r.valid, zz_pad="")
    pad = limit - len(dumps(at_limit))
    at_limit["zz_pad"] = "p" * pad
    assert len(dumps(at_limit)) == limit
    add("exactly_at_limit_is_read", 400, "unknown_field", field="zz_pad", raw=dumps(at_limit))

    # -- invalid UTF-8 (the body is checked as a whole: no field to name) --
    target = r.text[0] if r.text else None
    for label, bad in BAD_UTF8:
        if target:
            raw = json_with_text(r.valid, target, bad)
        else:
            raw = b'{"note": "ab' + bad + b'cd"}'
        add("invalid_utf8_" + label, 400, "invalid_utf8", raw=raw)
    add("invalid_utf8_in_key", 400, "invalid_utf8", raw=b'{"\xff": 1}')

    # -- control characters in text fields --
    for field in r.text:
        for label, esc in CONTROLS:
            add("control_%s_in_%s" % (label, field.replace("[", "").replace("]", "")), 400,
                "invalid_utf8", field=field, raw=json_with_text(r.valid, field, esc.encode()),
                contains=(field,))
    if r.text:
        add("control_%s_in_%s" % (C1[0], r.text[0].replace("[", "").replace("]", "")), 400,
            "invalid_utf8", field=r.text[0], raw=json_with_text(r.valid, r.text[0],
                                                                C1[1].encode()))

    # -- content types --
    types = [("text_plain", "text/plain"), ("form_urlencoded", "application/x-www-form-urlencoded"),
             ("json_lookalike", "application/jsonx"), ("xml", "application/xml"),
             ("missing", None)]
    if r.kind == "upload":
        types.append(("multipart_mixed", "multipart/mixed; boundary=x"))
    else:
        types.append(("multipart_form_data", "multipart/form-data; boundary=x"))
    for label, ct in types:
        add("content_type_" + label, 415, "unsupported_media_type", field="Content-Type",
            raw=valid, ctype=ct)
    return out


BAD_IDS = [("999999", "999999"), ("zero", "0"), ("minus_one", "-1"), ("abc", "abc"),
           ("digits_then_letters", "1abc"), ("decimal", "1.5"), ("exponent", "1e3"),
           ("int64_overflow", "99999999999999999999"), ("space", "%20")]


def id_cases(r):
    out = []
    for label, ident in BAD_IDS:
        path = r.path.replace("{id}", ident).replace("{sid}", ident)
        if r.kind == "none":
            out.append(Case(r.name, "unknown_id_" + label, 404, "not_found", field="id",
                            path=path))
        else:
            out.append(Case(r.name, "unknown_id_" + label, 404, "not_found", field="id",
                            path=path, body=r.valid))
    return out


def none_body_cases(r):
    """A route that takes no body: any body is refused with 413."""
    out = []
    for label, raw, ct in [("json_object", b"{}", JSON_CT),
                           ("json_with_field", b'{"x":1}', JSON_CT),
                           ("text_plain", b"hello", "text/plain"),
                           ("invalid_utf8", b"\xff\xfe", "text/plain")]:
        out.append(Case(r.name, "body_not_allowed_" + label, 413, "too_large", raw=raw,
                        ctype=ct))
    out.append(Case(r.name, "body_not_allowed_chunked", 413, "too_large", raw=b"{}",
                    chunked=True))
    return out


def value_cases():
    """The value rules of src/domain/*.c, route by route."""
    c = []

    def add(route, name, status, code, field=ANY, body=None, **kw):
        c.append(Case(route, name, status, code, field=field, body=body,
                      path=kw.pop("path", default_path(ROUTE[route])), **kw))

    # login: no format checks, but over-long input is refused without a look-up
    lv = ROUTE["login"].valid
    add("login", "email_over_254", 401, "invalid_credentials",
        body=dict(lv, email="a" * 250 + "@example.com"))
    add("login", "password_over_1024", 401, "invalid_credentials",
        body=dict(lv, password="p" * 1025))

    uv = ROUTE["users"].valid
    for label, email in [("no_at", "new.agent.kapsule.co.uk"), ("no_dot", "new@agent"),
                         ("two_ats", "a@b@kapsule.co.uk"), ("space", "new agent@kapsule.co.uk"),
                         ("blank", "   "), ("empty", "")]:
        add("users", "email_" + label, 400, "invalid_value", "email", dict(uv, email=email))
    add("users", "email_exists", 409, "conflict", "email", dict(uv, email=harness.AGENT2))
    add("users", "email_exists_other_case", 409, "conflict", "email",
        dict(uv, email=harness.AGENT2.upper()))
    add("users", "name_blank", 400, "invalid_value", "name", dict(uv, name=" \t "))
    add("users", "name_201_chars", 400, "invalid_value", "name", dict(uv, name="n" * 201))
    for role in ["superuser", "system", "Agent", ""]:
        add("users", "role_%s" % (role or "empty"), 400, "invalid_value", "role",
            dict(uv, role=role))
    add("users", "role_customer", 400, "invalid_value", "role", dict(uv, role="customer"))
    add("users", "vendor_without_vendor_id", 400, "missing_field", "vendor_id",
        dict(uv, role="vendor"))
    add("users", "vendor_id_unknown", 400, "invalid_value", "vendor_id",
        dict(uv, role="vendor", vendor_id=999999))
    add("users", "vendor_id_negative", 400, "invalid_value", "vendor_id",
        dict(uv, role="vendor", vendor_id=-1))
    add("users", "vendor_id_on_agent", 400, "invalid_value", "vendor_id",
        dict(uv, vendor_id=1))
    add("users", "vendor_id_zero_on_agent", 400, "invalid_value", "vendor_id",
        dict(uv, vendor_id=0))
    add("users", "password_9_bytes", 400, "invalid_value", "password",
        dict(uv, password="123456789"))

    tv = ROUTE["tokens"].valid
    for label, uid in [("unknown", 999999), ("zero", 0), ("negative", -1),
                       ("agent", U_AGENT), ("customer", U_CUSTOMER)]:
        add("tokens", "user_id_" + label, 400, "invalid_value", "user_id", dict(tv, user_id=uid))
    add("tokens", "label_blank", 400, "invalid_value", "label", dict(tv, label="  "))
    add("tokens", "label_201_chars", 400, "invalid_value", "label", dict(tv, label="l" * 201))

    vv = ROUTE["vendors"].valid
    add("vendors", "ref_blank", 400, "invalid_value", "ref", dict(vv, ref=" "))
    add("vendors", "ref_101_chars", 400, "invalid_value", "ref", dict(vv, ref="R" * 101))
    add("vendors", "shop_name_blank", 400, "invalid_value", "shop_name", dict(vv, shop_name=""))
    add("vendors", "shop_name_201_chars", 400, "invalid_value", "shop_name",
        dict(vv, shop_name="s" * 201))
    add("vendors", "contact_email_bad", 400, "invalid_value", "contact_email",
        dict(vv, contact_email="not an address"))
    add("vendors", "contact_phone_51_chars", 400, "invalid_value", "contact_phone",
        dict(vv, contact_phone="0" * 51))
    add("vendors", "website_501_chars", 400, "invalid_value", "website",
        dict(vv, website="https://x.example/" + "w" * 483))
    # an update of a demo vendor with a bad value changes nothing either
    add("vendors", "update_existing_bad_email", 400, "invalid_value", "contact_email",
        dict(vv, ref="V-NORTHWIND", contact_email="owner(at)northwind"))

    cv = ROUTE["customers"].valid
    add("customers", "ref_blank", 400, "invalid_value", "ref", dict(cv, ref=""))
    add("customers", "email_bad", 400, "invalid_value", "email", dict(cv, email="bea@"))
    add("customers", "email_of_staff_user", 409, "conflict", "email",
        dict(cv, email=harness.AGENT))
    add("customers", "update_to_email_of_other_customer", 409, "conflict", "email",
        dict(cv, ref="C-1001", email=harness.CUSTOMER2))
    add("customers", "first_name_blank", 400, "invalid_value", "first_name",
        dict(cv, first_name=" "))
    add("customers", "last_name_101_chars", 400, "invalid_value", "last_name",
        dict(cv, last_name="L" * 101))
    add("customers", "phone_51_chars", 400, "invalid_value", "phone", dict(cv, phone="7" * 51))
    add("customers", "address_501_chars", 400, "invalid_value", "address",
        dict(cv, address="a" * 501))

    ov = ROUTE["orders"].valid
    add("orders", "number_blank", 400, "invalid_value", "number", dict(ov, number=""))
    add("orders", "number_65_chars", 400, "invalid_value", "number", dict(ov, number="K" * 65))
    add("orders", "number_exists", 409, "conflict", "number", dict(ov, number="KP-100201"))
    add("orders", "customer_ref_unknown", 400, "invalid_value", "customer_ref",
        dict(ov, customer_ref="C-NOBODY"))
    add("orders", "vendor_ref_unknown", 400, "invalid_value", "vendor_ref",
        dict(ov, vendor_ref="V-NOBODY"))
    add("orders", "items_empty", 400, "invalid_value", "items", dict(ov, items=[]))
    for label, value in [("zero", 0), ("negative", -1), ("over_100000", 100001)]:
        add("orders", "item_quantity_" + label, 400, "invalid_value", "items[0].quantity",
            set_path(ov, "items[0].quantity", value))
    add("orders", "item_unit_price_negative", 400, "invalid_value", "items[0].unit_price",
        set_path(ov, "items[0].unit_price", -1))
    add("orders", "item_name_blank", 400, "invalid_value", "items[0].name",
        set_path(ov, "items[0].name", "  "))
    add("orders", "item_name_301_chars", 400, "invalid_value", "items[0].name",
        set_path(ov, "items[0].name", "n" * 301))
    add("orders", "item_sku_101_chars", 400, "invalid_value", "items[0].sku",
        set_path(ov, "items[0].sku", "s" * 101))
    add("orders", "second_item_quantity_zero", 400, "invalid_value", "items[1].quantity",
        dict(ov, items=[ITEM, dict(ITEM, quantity=0)]))
    add("orders", "amount_negative", 400, "invalid_value", "amount", dict(ov, amount=-1))
    add("orders", "amount_over_10e12", 400, "invalid_value", "amount",
        dict(ov, amount=10 ** 12 + 1))
    for label, cur in [("lower_case", "gbp"), ("four_letters", "GBPX"), ("empty", ""),
                       ("digits", "826"), ("non_ascii", "G\u00c9P")]:
        add("orders", "currency_" + label, 400, "invalid_value", "currency",
            dict(ov, currency=cur))
    add("orders", "placed_at_negative", 400, "invalid_value", "placed_at",
        dict(ov, placed_at=-1))
    add("orders", "placed_at_in_2100", 400, "invalid_value", "placed_at",
        dict(ov, placed_at=4102444800000))
    add("orders", "note_2001_chars", 400, "invalid_value", "note", dict(ov, note="n" * 2001))
    # nested items: types, missing and unknown members
    for fname, ftype, required in ITEM_FIELDS:
        for label, value in WRONG[ftype][:4]:
            add("orders", "item_wrong_type_%s_%s" % (fname, label), 400, "wrong_type",
                "items[0].%s" % fname, set_path(ov, "items[0].%s" % fname, value))
        if required:
            add("orders", "item_missing_" + fname, 400, "missing_field", "items[0].%s" % fname,
                set_path(ov, "items[0].%s" % fname, None, delete=True))
    add("orders", "item_quantity_beyond_int64", 400, "invalid_value", "items[0].quantity",
        set_path(ov, "items[0].quantity", 2 ** 64))
    add("orders", "item_unknown_field", 400, "unknown_field", "items[0].colour",
        set_path(ov, "items[0].colour", "red"))
    add("orders", "second_item_missing_name", 400, "missing_field", "items[1].name",
        dict(ov, items=[ITEM, {"quantity": 1, "unit_price": 1}]))
    add("orders", "second_item_wrong_type", 400, "wrong_type", "items[1].unit_price",
        dict(ov, items=[ITEM, dict(ITEM, unit_price="15.00")]))

    ev = ROUTE["enquiries"].valid
    for label, oid in [("unknown", 999999), ("zero", 0), ("negative", -1),
                       ("of_another_customer", ORDER_OF_TOM)]:
        add("enquiries", "order_id_" + label, 404, "not_found", "order_id",
            dict(ev, order_id=oid), absent=("Tom", "Baker", "KP-100203"))
    add("enquiries", "order_with_open_enquiry", 409, "conflict", "order_id",
        dict(ev, order_id=1))
    for cat in ["bogus", "Damaged", ""]:
        add("enquiries", "category_%s" % (cat or "empty"), 400, "invalid_value", "category",
            dict(ev, category=cat))
    add("enquiries", "subject_blank", 400, "invalid_value", "subject", dict(ev, subject="\n"))
    add("enquiries", "subject_201_chars", 400, "invalid_value", "subject",
        dict(ev, subject="s" * 201))
    add("enquiries", "subject_201_two_byte_chars", 400, "invalid_value", "subject",
        dict(ev, subject="\u00e9" * 201))
    add("enquiries", "message_blank", 400, "invalid_value", "message", dict(ev, message="  "))

    mv = ROUTE["messages"].valid
    for aud in ["to_vendor", "from_vendor", "everyone", "Internal", ""]:
        add("messages", "audience_%s" % (aud or "empty"), 400, "invalid_value", "audience",
            dict(mv, audience=aud))
    add("messages", "body_blank", 400, "invalid_value", "body", dict(mv, body=" \r\n\t"))
    add("messages", "customer_writes_internal", 403, "forbidden", "audience",
        dict(mv, audience="internal"), role="customer")
    add("messages", "customer_on_other_customers_enquiry", 404, "not_found", "id",
        {"body": "hello"}, role="customer2", path=path_of("messages", E_OPEN),
        absent=("open", "Jane"))

    for label, uid in [("unknown", 999999), ("negative", -1), ("customer", U_CUSTOMER),
                       ("vendor", U_VENDOR), ("integration", U_INTEGRATION), ("zero", 0)]:
        add("assign", "assignee_" + label, 400, "invalid_value", "assignee_id",
            {"assignee_id": uid})

    for st in ["bogus", "OPEN", "", "awaiting vendor"]:
        add("status", "status_%s" % (st.replace(" ", "_") or "empty"), 400, "invalid_value",
            "status", {"status": st})

    vq = ROUTE["vreq_create"].valid
    add("vreq_create", "evidence_unknown_kind", 400, "invalid_value", "evidence[0]",
        dict(vq, evidence=["selfie"]))
    add("vreq_create", "evidence_second_unknown", 400, "invalid_value", "evidence[1]",
        dict(vq, evidence=["photo", "Photo"]))
    add("vreq_create", "evidence_nine_kinds", 400, "invalid_value", "evidence",
        dict(vq, evidence=["photo"] * 9))
    for label, h in [("zero", 0), ("negative", -1), ("over_336", 337), ("huge", 2 ** 62)]:
        add("vreq_create", "due_in_hours_" + label, 400, "invalid_value", "due_in_hours",
            dict(vq, due_in_hours=h))
    add("vreq_create", "question_blank", 400, "invalid_value", "question",
        dict(vq, question="   "))

    add("vreq_answer", "text_blank", 400, "invalid_value", "text", {"text": " \n "})
    add("vreq_answer", "other_vendors_request", 404, "not_found", "id",
        ROUTE["vreq_answer"].valid, role="vendor2", absent=("open", "Northwind"))

    for route in ("vreq_appeal", "refund_appeal", "violation_appeal"):
        add(route, "text_blank", 400, "invalid_value", "text", {"text": "  \n"})
        add(route, "text_10001_chars", 400, "invalid_value", "text", {"text": "t" * 10001})
        add(route, "by_another_vendor", 404, "not_found", "id", ROUTE[route].valid,
            role="vendor2", absent=("Northwind", "07700"))
    for route in ("appeal_uphold", "appeal_reverse"):
        add(route, "reason_blank", 400, "invalid_value", "reason", {"reason": " "})
        add(route, "reason_2001_chars", 400, "invalid_value", "reason", {"reason": "r" * 2001})

    add("test_clock", "advance_ms_negative", 400, "invalid_value", "advance_ms",
        {"advance_ms": -1})
    return c


def state_cases():
    """Forbidden transitions: 409 invalid_transition naming the current state."""
    c = []

    def add(route, name, ident, role, body, state, field, absent=()):
        c.append(Case(route, name, 409, "invalid_transition", field=field, body=body,
                      path=path_of(route, ident), role=role, contains=(state,), absent=absent))

    for to in ["open", "resolved", "awaiting_customer", "closed"]:
        add("status", "closed_to_" + to, E_CLOSED, "agent", {"status": to}, "closed", "status")
    for to in ["open", "closed", "awaiting_vendor"]:
        add("status", "open_to_" + to, E_OPEN, "agent", {"status": to}, "open", "status")
    for to in ["resolved", "open", "awaiting_customer"]:
        add("status", "awaiting_vendor_to_" + to, E_AWAITING_VENDOR, "agent", {"status": to},
            "awaiting_vendor", "status")
    add("status", "awaiting_customer_to_closed", E_AWAITING_CUSTOMER, "agent",
        {"status": "closed"}, "awaiting_customer", "status")
    add("status", "resolved_to_awaiting_customer", E_RESOLVED, "agent",
        {"status": "awaiting_customer"}, "resolved", "status")

    add("reopen", "open_enquiry", E_OPEN, "agent", {}, "open", "status")
    add("reopen", "open_enquiry_as_customer", E_OPEN, "customer", {}, "open", "status")
    add("reopen", "awaiting_customer_enquiry", E_AWAITING_CUSTOMER, "agent", {},
        "awaiting_customer", "status")
    add("reopen", "closed_enquiry_as_customer", E_CLOSED, "customer2", {}, "closed", "status")
    # the customer is not told a vendor is involved: the state shows as open
    add("reopen", "awaiting_vendor_as_customer", E_AWAITING_VENDOR, "customer2", {}, "open",
        "status", absent=("awaiting_vendor", "vendor"))

    add("messages", "customer_posts_to_closed", E_CLOSED, "customer2", {"body": "hello?"},
        "closed", "status")
    add("messages", "agent_note_on_closed", E_CLOSED, "agent",
        {"body": "note", "audience": "internal"}, "closed", "status")
    add("messages", "agent_reply_on_resolved", E_RESOLVED, "agent",
        {"body": "one more thing", "audience": "customer"}, "resolved", "status")
    add("assign", "closed_enquiry", E_CLOSED, "agent", {"assignee_id": U_AGENT}, "closed",
        "status")
    add("assign", "closed_enquiry_unassign", E_CLOSED, "agent", {"assignee_id": None},
        "closed", "status")
    add("vreq_create", "on_closed_enquiry", E_CLOSED, "agent", {"question": "Tracking?"},
        "closed", "status")
    add("vreq_create", "on_resolved_enquiry", E_RESOLVED, "agent", {"question": "Tracking?"},
        "resolved", "status")

    add("vreq_answer", "cancelled_request", VR_CANCELLED, "vendor", {"text": "late answer"},
        "cancelled", "state")
    add("vreq_answer", "answered_request", VR_ANSWERED, "vendor2", {"text": "again"},
        "answered", "state")
    add("vreq_cancel", "answered_request", VR_ANSWERED, "agent", {}, "answered", "state")
    # nothing to appeal: a request answered in time, a violation still open
    add("vreq_appeal", "answered_in_time", VR_ANSWERED, "vendor2", {"text": "Please."},
        "no late mark", "state")
    add("violation_appeal", "open_violation", X_OPEN, "vendor", {"text": "Please."},
        "not confirmed", "state")
    add("vreq_cancel", "cancelled_request", VR_CANCELLED, "agent", {}, "cancelled", "state")
    # a multipart answer with a good file to a closed request: nothing is stored
    body, ct = mp_raw([text_part(b"late"), file_part(PNG)])
    c.append(Case("vreq_answer", "multipart_to_answered_request", 409, "invalid_transition",
                  "state", raw=body, ctype=ct, path=path_of("vreq_answer", VR_ANSWERED),
                  role="vendor2", contains=("answered",)))
    return c


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"


def upload_cases():
    c = []
    path = path_of("vreq_answer", VR_OPEN)

    def add(name, status, code, field=ANY, parts=None, raw=None, ctype=None, **kw):
        if parts is not None:
            raw, ctype = mp_raw(parts)
        c.append(Case("vreq_answer", "multipart_" + name, status, code, field=field, raw=raw,
                      ctype=ctype, path=path, **kw))

    good = text_part(b"Photo of the parcel attached.")
    # files whose content is not an allowed type, whatever their name says
    for label, data, fname in [("exe_as_png", EXE, b"photo.png"),
                               ("html_as_png", HTML, b"photo.png"),
                               ("svg_as_png", SVG, b"photo.png"),
                               ("html_as_pdf", HTML, b"invoice.pdf"),
                               ("zip_as_jpg", ZIP, b"photo.jpg"),
                               ("text_as_pdf", b"just some text, not a PDF at all", b"a.pdf"),
                               ("empty_file", b"", b"photo.png"),
                               ("png_signature_only", PNG[:8], b"photo.png"),
                               ("riff_without_webp", b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\0" * 8,
                                b"photo.webp")]:
        add("file_" + label, 415, "unsupported_file_type", "files", [good, file_part(data, fname)])
    add("second_file_disguised", 415, "unsupported_file_type", "files",
        [good, file_part(PNG, b"a.png"), file_part(JPEG, b"b.jpg"), file_part(EXE, b"c.png")])
    add("disguised_file_in_file_field", 415, "unsupported_file_type", "files",
        [good, file_part(HTML, b"photo.png", name=b"file")])
    # sizes
    big = PNG + b"\x00" * (MAX_FILE + 1 - len(PNG))
    add("file_one_byte_over_max_file_bytes", 413, "too_large", "files",
        [good, file_part(big, b"big.png")])
    add("good_file_then_file_over_max", 413, "too_large", "files",
        [good, file_part(GIF, b"small.gif"), file_part(big, b"big.png")])
    add("too_many_files", 400, "limit_exceeded", "files",
        [good] + [file_part(PNG + bytes([i]), b"p%d.png" % i) for i in range(MAX_FILES + 1)])
    add("too_many_parts", 400, "limit_exceeded", ANY,
        [good] + [text_part(b"x", b"extra%d" % i) for i in range(70)])
    raw, ct = mp_raw([good, file_part(PDF + b"\0" * 10)])
    raw += b"\r\n" * ((MAX_UPLOAD + 1 - len(raw)) // 2 + 1)  # an epilogue past the limit
    add("body_over_max_upload_bytes", 413, "too_large", raw=raw, ctype=ct)
    add("body_over_max_upload_bytes_chunked", 413, "too_large", raw=raw, ctype=ct, chunked=True)
    # the text part
    for label, bad in BAD_UTF8:
        add("text_invalid_utf8_" + label, 400, "invalid_utf8", "text",
            [text_part(b"ab" + bad + b"cd")], contains=("text",))
    for label, ctl in [("nul", b"\x00"), ("soh", b"\x01"), ("escape", b"\x1b[2J"),
                       ("del", b"\x7f"), ("c1_csi", b"\xc2\x9b")]:
        add("text_control_" + label, 400, "invalid_utf8", "text", [text_part(b"ab" + ctl + b"cd")],
            contains=("text",))
    add("text_blank", 400, "invalid_value", "text", [text_part(b"  \r\n  ")])
    add("text_missing", 400, "missing_field", "text", [file_part(PNG)])
    add("text_twice", 400, "invalid_value", "text", [good, good])
    add("text_sent_as_file", 400, "invalid_value", "text", [file_part(b"hi", b"t.txt", b"text",
                                                                     b"text/plain")])
    add("unknown_part", 400, "unknown_field", "comment", [good, text_part(b"x", b"comment")],
        contains=("comment",))
    add("unknown_part_invalid_utf8_name", 400, "unknown_field", ANY,
        [good, text_part(b"x", b"\xff\xfe")])
    # the structure
    body, _ = mp_raw([good])
    add("no_boundary_parameter", 400, "malformed_multipart", "Content-Type", raw=body,
        ctype="multipart/form-data")
    add("empty_boundary", 400, "malformed_multipart", "Content-Type", raw=body,
        ctype="multipart/form-data; boundary=")
    add("boundary_71_chars", 400, "malformed_multipart", "Content-Type",
        raw=mp_raw([good], "b" * 71)[0], ctype="multipart/form-data; boundary=" + "b" * 71)
    add("boundary_not_in_body", 400, "malformed_multipart", raw=body,
        ctype="multipart/form-data; boundary=somethingelse")
    add("last_part_not_closed", 400, "malformed_multipart",
        raw=body[:body.rindex(b"--kapsule")], ctype=mp_raw([])[1])
    add("truncated_in_headers", 400, "malformed_multipart",
        raw=b'--kapsuleBOUNDARY\r\nContent-Disposition: form-data; na', ctype=mp_raw([])[1])
    add("only_a_boundary", 400, "malformed_multipart", raw=b"--kapsuleBOUNDARY",
        ctype=mp_raw([])[1])
    add("part_without_name", 400, "malformed_multipart",
        parts=[(b"Content-Disposition: form-data", b"hello")])
    add("part_without_headers", 400, "malformed_multipart", raw=b"--kapsuleBOUNDARY\r\n\r\nhi"
        b"\r\n--kapsuleBOUNDARY--\r\n", ctype=mp_raw([])[1])
    add("header_without_colon", 400, "malformed_multipart",
        parts=[(b"Content-Disposition form-data; name=text", b"hello")])
    add("part_not_form_data", 400, "malformed_multipart",
        parts=[(b'Content-Disposition: attachment; name="text"', b"hello")])
    add("headers_never_end", 400, "malformed_multipart",
        raw=b"--kapsuleBOUNDARY\r\nContent-Disposition: form-data; name=text\r\n" +
        b"X-Pad: " + b"p" * 5000 + b"\r\n", ctype=mp_raw([])[1])
    add("boundary_not_followed_by_line_end", 400, "malformed_multipart",
        raw=b"--kapsuleBOUNDARYjunk\r\n", ctype=mp_raw([])[1])
    add("garbage", 400, "malformed_multipart", raw=b"\x00\x01garbage\xff" * 10,
        ctype=mp_raw([])[1])
    return c


def build_cases():
    cases = []
    for r in ROUTES:
        if r.kind == "none":
            cases += none_body_cases(r)
        else:
            cases += body_cases(r)
        if r.ids:
            cases += id_cases(r)
    cases += value_cases() + state_cases() + upload_cases()
    # DELETE /sessions/{id}: sessions one may not revoke are unknown
    cases.append(Case("session_revoke", "someone_elses_session", 404, "not_found", "id",
                      path="/api/v1/sessions/{admin_sid}"))
    cases.append(Case("session_revoke", "already_revoked_session", 404, "not_found", "id",
                      path="/api/v1/sessions/{revoked_sid}"))
    return cases


class BadInputCase(ServerCase):
    """Runs one Case: the answer, its error body, and the unchanged database."""

    server_args = LIMIT_ARGS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.s
        check_demo(s)
        # Sessions of our own: one to log out, one to revoke, one revoked already.
        cls.t["logout"] = s.login(harness.CUSTOMER2)
        s.login(harness.CUSTOMER)
        s.login(harness.CUSTOMER)
        own = [i for (i,) in s.sql("SELECT id FROM sessions WHERE user_id = ? AND revoked_at"
                                   " IS NULL ORDER BY id DESC", U_CUSTOMER)]
        r = s.request("DELETE", "/api/v1/sessions/%d" % own[1], cls.t["customer"])
        assert r.status == 200, r
        cls.ids = {"sid": own[0], "revoked_sid": own[1],
                   "admin_sid": s.sql("SELECT MAX(id) FROM sessions WHERE user_id = ?",
                                      U_ADMIN)[0][0]}
        # A cancelled vendor request on Jane's open enquiry (which ends up open again).
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % E_OPEN, cls.t["agent"],
                   {"question": "Was this dispatched?"})
        assert r.status == 201 and r.json()["id"] == VR_CANCELLED, r
        r = s.post("/api/v1/vendor-requests/%d/cancel" % VR_CANCELLED, cls.t["agent"])
        assert r.status == 200, r
        assert s.sql("SELECT status FROM enquiries WHERE id = ?", E_OPEN) == [("open",)]
        # An answer with a phone number in it: an open violation to decide.
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % E_OPEN, cls.t["agent"],
                   {"question": "Any update on the dispatch?"})
        assert r.status == 201 and r.json()["id"] == VR_WITH_PHONE, r
        body, ctype = multipart({"text": "Ring me on 07700 900 614."}, [])
        r = s.post("/api/v1/vendor-requests/%d/answer" % VR_WITH_PHONE, cls.t["vendor"],
                   raw=body, content_type=ctype)
        assert r.status == 200 and r.json()["violation_id"] == X_OPEN, r
        assert s.sql("SELECT status FROM enquiries WHERE id = ?", E_OPEN) == [("open",)]
        got = appeal_fixtures(s, cls.t)
        assert got == {"late": VR_LATE, "appeal": AP_OPEN, "appeal2": AP_OPEN2,
                       "refund": RF_CHARGED, "violation": X_CONFIRMED}, got
        cls.snapshot()
        cls.baseline = fingerprint(s)

    def run_case(self, c):
        s = self.s
        before = self.baseline  # every case starts from it (see restore)
        path = c.path.format(**self.ids) if "{" in c.path and "{id}" not in c.path else c.path
        token = self.t[c.role] if c.role else None
        what = "%s %s %r" % (c.method, path, (c.raw or b"")[:120])
        try:
            r = send(s, c.method, path, token, c.raw, c.ctype, c.headers, c.chunked)
        except (OSError, http.client.HTTPException) as e:
            alive = s.proc.poll() is None
            self.fail("%s: no answer (%r); server %s" % (what, e, "alive" if alive else "DIED"))
        try:
            self.check_answer(c, r, what)
        finally:
            # Always compare (and repair) the database, also when the answer was wrong.
            self.assertIsNone(s.proc.poll(), "the server exited")
            self.assert_unchanged(before, "%s answered %d" % (what, r.status))

    def check_answer(self, c, r, what):
        self.assertTrue(400 <= r.status < 500, "%s: want a 4xx, got %r" % (what, r))
        self.assertEqual(r.status, c.status, "%s: %r" % (what, r))
        self.assertTrue((r.header("Content-Type") or "").startswith("application/json"),
                        "%s: Content-Type %r" % (what, r.header("Content-Type")))
        try:
            err = r.json()["error"]
        except (ValueError, KeyError, TypeError):
            self.fail("%s: not a JSON error body: %r" % (what, r.body[:300]))
        self.assertEqual(err.get("code"), c.code, "%s: %r" % (what, r))
        self.assertIsInstance(err.get("message"), str)
        self.assertTrue(err["message"].strip(), "%s: empty message" % what)
        if c.field is not ANY:
            self.assertEqual(err.get("field"), c.field, "%s: field of %r" % (what, r))
        for want in c.contains:
            self.assertIn(want, err["message"], "%s: message should name %r" % (what, want))
        for leak in c.absent:
            self.assertNotIn(leak.encode(), r.body, "%s: answer shows %r" % (what, leak))

    def assert_unchanged(self, before, what):
        after = fingerprint(self.s)
        if after != before:
            self.restore()
            self.fail("%s but changed the database: %s" % (what, fp_diff(before, after)))

    @classmethod
    def snapshot(cls):
        """Keeps a copy of the database as it is after set-up."""
        cls.s.snapshot()

    def restore(self):
        """Puts the set-up database back (with the server running) so that a bad
        request the server wrongly carried out cannot change what the next
        cases see."""
        self.s.restore()
        assert fingerprint(self.s) == self.baseline, "the database could not be restored"


class BadInput(BadInputCase, unittest.TestCase):
    """Every generated case against one server with small limits."""


def _install(cls, cases):
    seen = set()
    for c in cases:
        name = re.sub(r"[^0-9a-zA-Z_]", "_", "test_%s__%s" % (c.route, c.name))
        while name in seen:
            name += "_"
        seen.add(name)

        def test(self, c=c):
            self.run_case(c)
        test.__doc__ = "%s %s: %s -> %d %s" % (c.method, c.path, c.name, c.status, c.code)
        setattr(cls, name, test)


CASES = build_cases()
_install(BadInput, CASES)


# ---- value rules that need bodies past the small limit ----

class BigBodies(BadInputCase, unittest.TestCase):
    """Length rules whose bad values do not fit in 4 KiB: default body limits."""

    server_args = ("--login-address-failures=100000",)


def big_cases():
    c = []
    ev, mv = ROUTE["enquiries"].valid, ROUTE["messages"].valid
    c.append(Case("enquiries", "message_10001_chars", 400, "invalid_value", "message",
                  body=dict(ev, message="m" * 10001)))
    c.append(Case("enquiries", "message_10001_two_byte_chars", 400, "invalid_value", "message",
                  body=dict(ev, message="\u00e9" * 10001)))
    c.append(Case("messages", "body_10001_chars", 400, "invalid_value", "body",
                  body=dict(mv, body="b" * 10001), path=path_of("messages", E_OPEN)))
    c.append(Case("vreq_create", "question_5001_chars", 400, "invalid_value", "question",
                  body={"question": "q" * 5001}, path=path_of("vreq_create", E_OPEN)))
    c.append(Case("vreq_answer", "text_10001_chars", 400, "invalid_value", "text",
                  body={"text": "t" * 10001}, path=path_of("vreq_answer", VR_OPEN)))
    raw, ct = mp_raw([text_part(b"t" * 10001), file_part(PNG)])
    c.append(Case("vreq_answer", "multipart_text_10001_chars", 400, "invalid_value", "text",
                  raw=raw, ctype=ct, path=path_of("vreq_answer", VR_OPEN)))
    ov = ROUTE["orders"].valid
    c.append(Case("orders", "items_101", 400, "invalid_value", "items",
                  body=dict(ov, items=[ITEM] * 101)))
    c.append(Case("orders", "items_101_with_a_bad_one", 400, "invalid_value", "items",
                  body=dict(ov, items=[ITEM] * 100 + [{"name": 1}])))
    lv = ROUTE["login"].valid
    c.append(Case("login", "email_of_5000_chars", 401, "invalid_credentials",
                  body=dict(lv, email="e" * 5000)))
    return c


_install(BigBodies, big_cases())


# ---- the test clock hook: a value past any sensible clock ----

class ClockOverflow(BadInputCase, unittest.TestCase):
    """advance_ms is added to the clock in ms; a value that overflows 64-bit time
    must be refused, and the server must go on answering.  (A server of its own:
    a wrong answer here breaks its clock.)"""

    def test_test_clock__advance_ms_int64_max(self):
        self.run_case(Case("test_clock", "advance_ms_int64_max", 400, "invalid_value",
                           "advance_ms", body={"advance_ms": 2 ** 63 - 1}))
        r = self.s.get("/api/v1/me", self.t["admin"])
        self.assertEqual(r.status, 200, r)


# ---- Idempotency-Key ----

class Idempotency(ServerCase, unittest.TestCase):
    """For every route that takes an Idempotency-Key (every write but sign-in and
    the test hooks, which ignore it: a replayed sign-in would have to keep the
    session token in clear): a replay gives the first status and body with
    Idempotent-Replayed: true and changes nothing (one row made in all); the
    key with another request (body or path) is refused with 422; a key of 201
    characters, an empty one, one with a control character or one that is not
    UTF-8 is refused with 400 before anything changes, and the same request
    then goes through with a fresh key of 200 characters.  Logging out revokes
    the session a retry would present: the retry is 401 and changes nothing."""

    server_args = LIMIT_ARGS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        check_demo(cls.s)
        cls.n = 0

    # -- fixtures: fresh objects in the state each route needs --

    def uniq(self):
        type(self).n += 1
        return type(self).n

    def new_order(self, customer_ref="C-1001", vendor_ref="V-NORTHWIND"):
        n = self.uniq()
        r = self.s.post("/api/v1/orders", self.t["integration"], {
            "number": "KP-IDEM-%d" % n, "customer_ref": customer_ref, "vendor_ref": vendor_ref,
            "items": [ITEM], "amount": 1500, "currency": "GBP"})
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def new_enquiry(self, status=None):
        oid = self.new_order()
        r = self.s.post("/api/v1/enquiries", self.t["customer"], {
            "order_id": oid, "category": "damaged", "subject": "Chipped",
            "message": "It arrived chipped."})
        self.assertEqual(r.status, 201, r)
        eid = r.json()["id"]
        if status:
            r = self.s.post("/api/v1/enquiries/%d/status" % eid, self.t["agent"],
                            {"status": status})
            self.assertEqual(r.status, 200, r)
        return eid

    def new_vreq(self):
        eid = self.new_enquiry()
        r = self.s.post("/api/v1/enquiries/%d/vendor-requests" % eid, self.t["agent"],
                        {"question": "Tracking number please?"})
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def new_session(self):
        self.s.login(harness.CUSTOMER)
        return self.s.sql("SELECT MAX(id) FROM sessions WHERE user_id = ?", U_CUSTOMER)[0][0]

    # Each maker returns (method, path, role, raw body, content type, other raw body,
    # other path, the table that gains a row or None).
    def make(self, route):
        n = self.uniq()
        J = JSON_CT
        if route == "session_revoke":
            a, b = self.new_session(), self.new_session()
            return ("DELETE", "/api/v1/sessions/%d" % a, "customer", None, None, None,
                    "/api/v1/sessions/%d" % b, None)
        if route == "users":
            body = {"email": "idem%d@kapsule.co.uk" % n, "name": "Idem Agent", "role": "agent"}
            return ("POST", "/api/v1/users", "admin", dumps(body), J,
                    dumps(dict(body, name="Other Name")), None, "users")
        if route == "tokens":
            body = {"user_id": U_INTEGRATION, "label": "idem %d" % n}
            return ("POST", "/api/v1/tokens", "admin", dumps(body), J,
                    dumps(dict(body, label="other")), None, "sessions")
        if route == "vendors":
            body = {"ref": "V-IDEM-%d" % n, "shop_name": "Idem Shop"}
            return ("POST", "/api/v1/vendors", "integration", dumps(body), J,
                    dumps(dict(body, shop_name="Other Shop")), None, "vendors")
        if route == "customers":
            body = {"ref": "C-IDEM-%d" % n, "email": "idem%d@example.com" % n,
                    "first_name": "Ida", "last_name": "Empotent"}
            return ("POST", "/api/v1/customers", "integration", dumps(body), J,
                    dumps(dict(body, first_name="Other")), None, "customers")
        if route == "orders":
            body = {"number": "KP-IDEM-X%d" % n, "customer_ref": "C-1001",
                    "vendor_ref": "V-NORTHWIND", "items": [ITEM], "amount": 1500,
                    "currency": "GBP"}
            return ("POST", "/api/v1/orders", "integration", dumps(body), J,
                    dumps(dict(body, amount=1501)), None, "orders")
        if route == "enquiries":
            body = {"order_id": self.new_order(), "category": "damaged", "subject": "Chipped",
                    "message": "Chipped on arrival."}
            return ("POST", "/api/v1/enquiries", "customer", dumps(body), J,
                    dumps(dict(body, subject="Other")), None, "enquiries")
        if route == "messages":
            eid = self.new_enquiry()
            body = {"body": "Internal note %d" % n, "audience": "internal"}
            return ("POST", "/api/v1/enquiries/%d/messages" % eid, "agent", dumps(body), J,
                    dumps(dict(body, body="Other note")), None, "messages")
        if route == "assign":
            eid = self.new_enquiry()
            return ("POST", "/api/v1/enquiries/%d/assign" % eid, "agent",
                    dumps({"assignee_id": U_AGENT2}), J, dumps({"assignee_id": U_AGENT}),
                    None, None)
        if route == "status":
            eid = self.new_enquiry()
            return ("POST", "/api/v1/enquiries/%d/status" % eid, "agent",
                    dumps({"status": "awaiting_customer"}), J, dumps({"status": "resolved"}),
                    None, None)
        if route == "reopen":
            eid, other = self.new_enquiry("resolved"), self.new_enquiry("resolved")
            return ("POST", "/api/v1/enquiries/%d/reopen" % eid, "customer", b"", J, None,
                    "/api/v1/enquiries/%d/reopen" % other, None)
        if route == "vreq_create":
            eid = self.new_enquiry()
            body = {"question": "Dispatch date?", "evidence": ["tracking"]}
            return ("POST", "/api/v1/enquiries/%d/vendor-requests" % eid, "agent", dumps(body),
                    J, dumps(dict(body, evidence=["invoice"])), None, "vendor_requests")
        if route == "vreq_answer":
            vid = self.new_vreq()
            body = {"text": "Dispatched Monday."}
            return ("POST", "/api/v1/vendor-requests/%d/answer" % vid, "vendor", dumps(body), J,
                    dumps({"text": "Dispatched Tuesday."}), None, "messages")
        if route == "vreq_answer_multipart":
            vid = self.new_vreq()
            body, ct = multipart({"text": "Photo attached."},
                                 [("files", "label.png", PNG + b"idem%d" % n, "image/png")])
            other, _ = multipart({"text": "Other photo."},
                                 [("files", "label.png", PNG, "image/png")])
            # the same boundary for the other body, so only the content differs
            other = other.replace(other[2:other.index(b"\r\n")], ct.split("=", 1)[1].encode())
            return ("POST", "/api/v1/vendor-requests/%d/answer" % vid, "vendor", body, ct,
                    other, None, "message_attachments")
        if route == "vreq_cancel":
            vid, other = self.new_vreq(), self.new_vreq()
            return ("POST", "/api/v1/vendor-requests/%d/cancel" % vid, "agent", b"{}", J, None,
                    "/api/v1/vendor-requests/%d/cancel" % other, None)
        if route == "logout":
            self.t["logout"] = self.s.login(harness.CUSTOMER2)
            return ("POST", "/api/v1/auth/logout", "logout", b"{}", J, None, None, None)
        raise AssertionError(route)

    def call(self, m, key, raw=None, path=None):
        method, p, role, body, ct = m[0], m[1], m[2], m[3], m[4]
        return send(self.s, method, path or p, self.t[role], body if raw is None else raw,
                    ct if body is not None else None, [("Idempotency-Key", key)])

    def assert_error(self, r, status, code, field=ANY):
        self.assertEqual(r.status, status, r)
        err = r.json()["error"]
        self.assertEqual(err["code"], code, r)
        self.assertTrue(err["message"])
        if field is not ANY:
            self.assertEqual(err.get("field"), field, r)

    def count(self, table):
        return self.s.sql("SELECT COUNT(*) FROM %s" % table)[0][0]

    # -- the three behaviours --

    def replay(self, route):
        m = self.make(route)
        table = m[7]
        key = new_key()
        fp0 = fingerprint(self.s)
        n0 = self.count(table) if table else None
        r1 = self.call(m, key)
        self.assertTrue(200 <= r1.status < 300, r1)
        self.assertIsNone(r1.header("Idempotent-Replayed"), r1.headers)
        fp1 = fingerprint(self.s)
        self.assertNotEqual(fp0, fp1, "the first request changed nothing")
        if table:
            self.assertEqual(self.count(table), n0 + 1, table)
        r2 = self.call(m, key)
        self.assertEqual(r2.status, r1.status, r2)
        if route == "tokens":
            # The secret is never kept: a replay names the token it made, without it.
            want = dict(r1.json(), token=None)
            self.assertEqual(r2.json(), want)
        else:
            self.assertEqual(r2.body, r1.body)
        self.assertEqual(r2.header("Idempotent-Replayed"), "true", r2.headers)
        fp2 = fingerprint(self.s)
        self.assertEqual(fp1, fp2, "the replay changed the database: " + fp_diff(fp1, fp2))
        if table:
            self.assertEqual(self.count(table), n0 + 1, table)

    def reuse(self, route):
        m = self.make(route)
        key = new_key()
        r1 = self.call(m, key)
        self.assertTrue(200 <= r1.status < 300, r1)
        fp1 = fingerprint(self.s)
        other_raw, other_path = m[5], m[6]
        r2 = self.call(m, key, raw=other_raw, path=other_path)
        self.assert_error(r2, 422, "idempotency_key_reused", "Idempotency-Key")
        self.assertIsNone(r2.header("Idempotent-Replayed"))
        fp2 = fingerprint(self.s)
        self.assertEqual(fp1, fp2, "a refused key changed the database: " + fp_diff(fp1, fp2))

    def bad_key(self, route, key):
        m = self.make(route)
        fp0 = fingerprint(self.s)
        r = self.call(m, key)
        self.assert_error(r, 400, "invalid_value", "Idempotency-Key")
        fp1 = fingerprint(self.s)
        self.assertEqual(fp0, fp1, "a bad key changed the database: " + fp_diff(fp0, fp1))
        # the same request with a (fresh) key of 200 characters is fine
        r = self.call(m, (new_key() * 6)[:200])
        self.assertTrue(200 <= r.status < 300, r)

    # -- special cases --

    def test_logout__replay_after_the_session_is_gone(self):
        # The first logout revokes the very session the retry presents, so the
        # retry cannot be matched to its user: 401, and nothing changes.
        m = self.make("logout")
        key = new_key()
        r1 = self.call(m, key)
        self.assertEqual(r1.status, 200, r1)
        fp1 = fingerprint(self.s)
        r2 = self.call(m, key)
        self.assert_error(r2, 401, "unauthenticated")
        self.assertEqual(fp1, fingerprint(self.s))

    def test_tokens__replay_keeps_no_token_in_clear(self):
        # A stored answer must not become a copy of a secret: tokens are kept
        # only as hashes (see test_auth), idempotency keys included.
        m = self.make("tokens")
        r = self.call(m, new_key())
        self.assertEqual(r.status, 201, r)
        token = r.json()["token"]
        for t in self.s.tables():
            for row in self.s.table_rows(t):
                self.assertFalse(any(isinstance(v, str) and token in v for v in row),
                                 "the API token is stored in clear in table %s" % t)


IDEM_ROUTES = ["session_revoke", "users", "tokens", "vendors", "customers", "orders",
               "enquiries", "messages", "assign", "status", "reopen", "vreq_create",
               "vreq_answer", "vreq_answer_multipart", "vreq_cancel"]
BAD_KEYS = [("201_chars", "k" * 201), ("empty", ""), ("control_character", "key\x01one"),
            ("not_utf8", "cl\u00e9")]  # http.client sends Latin-1: the byte 0xE9 alone


def _install_idem():
    for route in IDEM_ROUTES:
        setattr(Idempotency, "test_%s__replay" % route,
                lambda self, route=route: self.replay(route))
        setattr(Idempotency, "test_%s__same_key_other_request" % route,
                lambda self, route=route: self.reuse(route))
    for route in IDEM_ROUTES + ["logout"]:
        for label, key in BAD_KEYS:
            setattr(Idempotency, "test_%s__key_%s" % (route, label),
                    lambda self, route=route, key=key: self.bad_key(route, key))


_install_idem()


class ValidBodies(ServerCase, unittest.TestCase):
    """The control: each route's valid request from the table is accepted, so
    every case above differs from an accepted request in one point only."""

    server_args = LIMIT_ARGS

    def test_valid_requests_are_accepted(self):
        s, t = self.s, self.t
        check_demo(s)
        t["logout"] = s.login(harness.CUSTOMER2)
        s.login(harness.CUSTOMER)
        sid = s.sql("SELECT MAX(id) FROM sessions WHERE user_id = ?", U_CUSTOMER)[0][0]
        # In an order that keeps each step's target in the state it needs.
        steps = ["login", "users", "tokens", "vendors", "customers", "orders", "enquiries",
                 "messages", "assign", "status", "vreq_create", "vreq_answer", "reopen",
                 "note_read", "notes_read", "test_clock", "test_jobs", "session_revoke",
                 "logout"]
        appeals = ["vreq_appeal", "refund_appeal", "violation_appeal", "appeal_uphold",
                   "appeal_reverse"]
        self.assertEqual(sorted(steps + appeals + ["vreq_cancel", "violation_confirm",
                                                   "violation_dismiss"]), sorted(ROUTE))
        # The appeal routes' valid requests, each on marks made for them.
        got = appeal_fixtures(s, t)
        for name, key in zip(appeals, ["late", "refund", "violation", "appeal", "appeal2"]):
            r = ROUTE[name]
            with self.subTest(route=name):
                resp = send(s, "POST", path_of(name, got[key]), t[r.role], dumps(r.valid),
                            JSON_CT)
                self.assertTrue(200 <= resp.status < 300, "%s: %r" % (name, resp))
        for name in steps:
            r = ROUTE[name]
            path = default_path(r).replace("{sid}", str(sid))
            raw = None if r.kind == "none" else dumps(r.valid)
            with self.subTest(route=name):
                resp = send(s, r.method, path, t[r.role] if r.role else None, raw,
                            JSON_CT if raw is not None else None)
                self.assertTrue(200 <= resp.status < 300, "%s %s: %r" % (r.method, path, resp))
        # The cancel route's valid request: refused on the request answered above
        # (the state rules work), accepted on an open one.
        body = dumps(ROUTE["vreq_cancel"].valid)
        resp = send(s, "POST", path_of("vreq_cancel", VR_OPEN), t["agent"], body, JSON_CT)
        self.assertEqual(resp.status, 409, resp)
        r = s.post("/api/v1/enquiries/%d/vendor-requests" % E_OPEN_B, t["agent"],
                   {"question": "Any news?"})
        self.assertEqual(r.status, 201, r)
        resp = send(s, "POST", path_of("vreq_cancel", r.json()["id"]), t["agent"], body, JSON_CT)
        self.assertEqual(resp.status, 200, resp)
        # The violation routes' valid requests, each on a violation a phone number opened;
        # a second decision is refused (the state rules work).
        for name in ("violation_confirm", "violation_dismiss"):
            r = s.post("/api/v1/enquiries/%d/vendor-requests" % E_OPEN, t["agent"],
                       {"question": "Any update?"})
            self.assertEqual(r.status, 201, r)
            mp, ctype = multipart({"text": "Ring me on 07700 900 615."}, [])
            r = s.post("/api/v1/vendor-requests/%d/answer" % r.json()["id"], t["vendor"],
                       raw=mp, content_type=ctype)
            self.assertEqual(r.status, 200, r)
            path = path_of(name, r.json()["violation_id"])
            body = dumps(ROUTE[name].valid)
            resp = send(s, "POST", path, t["agent"], body, JSON_CT)
            self.assertEqual(resp.status, 200, resp)
            resp = send(s, "POST", path, t["agent"], body, JSON_CT)
            self.assertEqual(resp.status, 409, resp)


if __name__ == "__main__":
    unittest.main()
