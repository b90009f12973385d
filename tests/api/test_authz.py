"""Authorisation matrix: every route of src/routes.c x every role x (for routes
about an object) the caller's own object, another party's object and an id
that does not exist.  The expected status of every cell is in TABLE below;
the test is generated from it.

The rules (the domain decides them; see src/domain/domain.h):
  - not signed in                        -> 401 on every route with auth=1;
  - a role that may never take the action -> 403;
  - a role that may take the action, but not on this object (another
    customer's enquiry or order, another vendor's request, order or file)
    -> 404, exactly as for an id that does not exist;
  - allowed                              -> 2xx.

Roles and what "own" and "other" mean (all derived from the demo data):
  anonymous    no credentials at all
  customer     Jane Doe (jane.doe@example.com)
  vendor       sales@northwind-ceramics.example (Northwind Ceramics)
  agent        agent@kapsule.co.uk
  admin        admin@kapsule.co.uk
  integration  the demo API token

Objects come in two "sides", made through the API as the people who would
make them (the integration pushes the order, the customer raises the
enquiry, an agent asks the vendor, the vendor answers with a file):
  JB: Jane's order with Blue Heron Outdoor, its enquiry, request and file;
  TN: Tom Baker's order with Northwind Ceramics, likewise.
For the customer (Jane) "own" is JB and "other" is TN; for the vendor
(Northwind) "own" is TN and "other" is JB.  So each role's own object
belongs to the *other* role's counterpart, which catches a check made on the
wrong owner.  Staff (and the others) see all; for them "own" is JB and
"other" TN only to name the two objects.  "missing" is an id no table holds.

Scope "-" means the route is about no object.  On the few routes whose
object is named elsewhere than in the path, the scope picks it too:
  POST /api/v1/enquiries        the body's order_id;
  GET  /api/v1/sessions         ?user_id= (own: the caller, other: Tom);
  DELETE /api/v1/sessions/{id}  own: another session of the caller's own user
                                (for the integration: another API token of
                                its user), other: a session of Tom's.

Writes change state, so every own/other cell of a write route gets a fresh
object, and the cells that sign out or revoke use fresh sessions.  Every cell
that must fail (401/403/404), and every read, must leave the database as it
was (Server.fingerprint() before and after), and every error body must be
{"error": {"code": ...}} with the code matching the status.
"""
import os
import re
import unittest
import uuid

import harness
from harness import ServerCase, multipart, PNG

ROLES = ("anonymous", "customer", "vendor", "agent", "admin", "integration")
# Which signed-in demo principal plays each role (keys of ServerCase.t).
ROLE_TOKEN = {"anonymous": None, "customer": "customer", "vendor": "vendor", "agent": "agent",
              "admin": "admin", "integration": "integration"}
EMAIL = {"customer": harness.CUSTOMER, "customer2": harness.CUSTOMER2,
         "vendor": harness.VENDOR, "vendor_b": harness.VENDOR_B, "vendor2": harness.VENDOR2,
         "agent": harness.AGENT, "agent2": harness.AGENT2, "admin": harness.ADMIN}
# The two sides: whose customer (token key) and whose vendor (token key of a vendor user).
SIDES = {"JB": {"customer": "customer", "vendor": "vendor2"},   # Jane + Blue Heron
         "TN": {"customer": "customer2", "vendor": "vendor"}}   # Tom + Northwind
ERROR_CODE = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}

E = "/api/v1/enquiries/{id}"
V = "/api/v1/vendor-requests/{id}"
X = "/api/v1/violations/{id}"
A = "/api/v1/appeals/{id}"

# fmt: off
TABLE = [
    # method   route                                   scope      anon cust vend agent admin integ
    ("GET",    "/",                                    "-",       200, 200, 200, 200, 200, 200),
    ("GET",    "/healthz",                             "-",       200, 200, 200, 200, 200, 200),
    ("GET",    "/readyz",                              "-",       200, 200, 200, 200, 200, 200),
    ("GET",    "/metrics",                             "-",       200, 200, 200, 200, 200, 200),
    ("GET",    "/api/v1/openapi.yaml",                 "-",       200, 200, 200, 200, 200, 200),
    ("GET",    "/static/app.css",                      "-",       200, 200, 200, 200, 200, 200),
    ("GET",    "/static/app.js",                       "-",       200, 200, 200, 200, 200, 200),
    # Signing in is open to all; each signs in with valid credentials.
    ("POST",   "/api/v1/auth/login",                   "-",       200, 200, 200, 200, 200, 200),
    # Each ends a fresh session (integration: a fresh API token) of its own.
    ("POST",   "/api/v1/auth/logout",                  "-",       401, 200, 200, 200, 200, 200),
    ("GET",    "/api/v1/me",                           "-",       401, 200, 200, 200, 200, 200),
    ("GET",    "/api/v1/sessions",                     "-",       401, 200, 200, 200, 200, 200),
    ("GET",    "/api/v1/sessions",                     "own",     401, 200, 200, 200, 200, 200),
    # Listing another user's sessions is an admin right (auth_session_list).
    ("GET",    "/api/v1/sessions",                     "other",   401, 403, 403, 403, 200, 403),
    ("DELETE", "/api/v1/sessions/{id}",                "own",     401, 200, 200, 200, 200, 200),
    ("DELETE", "/api/v1/sessions/{id}",                "other",   401, 404, 404, 404, 200, 404),
    ("DELETE", "/api/v1/sessions/{id}",                "missing", 401, 404, 404, 404, 404, 404),
    ("POST",   "/api/v1/users",                        "-",       401, 403, 403, 403, 201, 403),
    ("GET",    "/api/v1/users",                        "-",       401, 403, 403, 403, 200, 403),
    ("POST",   "/api/v1/tokens",                       "-",       401, 403, 403, 403, 201, 403),
    ("GET",    "/api/v1/audit",                        "-",       401, 403, 403, 403, 200, 403),
    ("POST",   "/api/v1/vendors",                      "-",       401, 403, 403, 403, 201, 201),
    ("GET",    "/api/v1/vendors",                      "-",       401, 403, 403, 200, 200, 200),
    ("POST",   "/api/v1/customers",                    "-",       401, 403, 403, 403, 201, 201),
    ("POST",   "/api/v1/orders",                       "-",       401, 403, 403, 403, 201, 201),
    ("GET",    "/api/v1/orders",                       "-",       401, 200, 200, 200, 200, 200),
    ("GET",    "/api/v1/orders/{id}",                  "own",     401, 200, 200, 200, 200, 200),
    ("GET",    "/api/v1/orders/{id}",                  "other",   401, 404, 404, 200, 200, 200),
    ("GET",    "/api/v1/orders/{id}",                  "missing", 401, 404, 404, 404, 404, 404),
    ("GET",    "/api/v1/orders/{id}/replies",          "own",     401, 403, 200, 200, 200, 403),
    ("GET",    "/api/v1/orders/{id}/replies",          "other",   401, 403, 404, 200, 200, 403),
    ("GET",    "/api/v1/orders/{id}/replies",          "missing", 401, 403, 404, 404, 404, 403),
    # Only customers raise enquiries, and only about their own orders.
    ("POST",   "/api/v1/enquiries",                    "own",     401, 201, 403, 403, 403, 403),
    ("POST",   "/api/v1/enquiries",                    "other",   401, 404, 403, 403, 403, 403),
    ("POST",   "/api/v1/enquiries",                    "missing", 401, 404, 403, 403, 403, 403),
    ("GET",    "/api/v1/enquiries",                    "-",       401, 200, 403, 200, 200, 403),
    ("GET",    E,                                      "own",     401, 200, 403, 200, 200, 403),
    ("GET",    E,                                      "other",   401, 404, 403, 200, 200, 403),
    ("GET",    E,                                      "missing", 401, 404, 403, 404, 404, 403),
    ("POST",   E + "/messages",                        "own",     401, 201, 403, 201, 201, 403),
    ("POST",   E + "/messages",                        "other",   401, 404, 403, 201, 201, 403),
    ("POST",   E + "/messages",                        "missing", 401, 404, 403, 404, 404, 403),
    ("POST",   E + "/assign",                          "own",     401, 403, 403, 200, 200, 403),
    ("POST",   E + "/assign",                          "other",   401, 403, 403, 200, 200, 403),
    ("POST",   E + "/assign",                          "missing", 401, 403, 403, 404, 404, 403),
    ("POST",   E + "/status",                          "own",     401, 403, 403, 200, 200, 403),
    ("POST",   E + "/status",                          "other",   401, 403, 403, 200, 200, 403),
    ("POST",   E + "/status",                          "missing", 401, 403, 403, 404, 404, 403),
    ("POST",   E + "/reopen",                          "own",     401, 200, 403, 200, 200, 403),
    ("POST",   E + "/reopen",                          "other",   401, 404, 403, 200, 200, 403),
    ("POST",   E + "/reopen",                          "missing", 401, 404, 403, 404, 404, 403),
    ("POST",   E + "/feedback",                        "own",     401, 201, 403, 403, 403, 403),
    ("POST",   E + "/feedback",                        "other",   401, 404, 403, 403, 403, 403),
    ("POST",   E + "/feedback",                        "missing", 401, 404, 403, 403, 403, 403),
    ("POST",   E + "/refunds",                         "own",     401, 403, 403, 201, 201, 403),
    ("POST",   E + "/refunds",                         "other",   401, 403, 403, 201, 201, 403),
    ("POST",   E + "/refunds",                         "missing", 401, 403, 403, 404, 404, 403),
    ("POST",   E + "/vendor-requests",                 "own",     401, 403, 403, 201, 201, 403),
    ("POST",   E + "/vendor-requests",                 "other",   401, 403, 403, 201, 201, 403),
    ("POST",   E + "/vendor-requests",                 "missing", 401, 403, 403, 404, 404, 403),
    ("GET",    "/api/v1/vendor-requests",              "-",       401, 403, 200, 200, 200, 403),
    ("GET",    V,                                      "own",     401, 403, 200, 200, 200, 403),
    ("GET",    V,                                      "other",   401, 403, 404, 200, 200, 403),
    ("GET",    V,                                      "missing", 401, 403, 404, 404, 404, 403),
    # Only the vendor answers its requests (agents reply to customers instead).
    ("POST",   V + "/answer",                          "own",     401, 403, 200, 403, 403, 403),
    ("POST",   V + "/answer",                          "other",   401, 403, 404, 403, 403, 403),
    ("POST",   V + "/answer",                          "missing", 401, 403, 404, 403, 403, 403),
    ("POST",   V + "/cancel",                          "own",     401, 403, 403, 200, 200, 403),
    ("POST",   V + "/cancel",                          "other",   401, 403, 403, 200, 200, 403),
    ("POST",   V + "/cancel",                          "missing", 401, 403, 403, 404, 404, 403),
    # Violations: agents decide; a vendor reads its own.
    ("GET",    "/api/v1/violations",                   "-",       401, 403, 200, 200, 200, 403),
    ("GET",    X,                                      "own",     401, 403, 200, 200, 200, 403),
    ("GET",    X,                                      "other",   401, 403, 404, 200, 200, 403),
    ("GET",    X,                                      "missing", 401, 403, 404, 404, 404, 403),
    ("POST",   X + "/confirm",                         "own",     401, 403, 403, 200, 200, 403),
    ("POST",   X + "/confirm",                         "other",   401, 403, 403, 200, 200, 403),
    ("POST",   X + "/confirm",                         "missing", 401, 403, 403, 404, 404, 403),
    ("POST",   X + "/dismiss",                         "own",     401, 403, 403, 200, 200, 403),
    ("POST",   X + "/dismiss",                         "other",   401, 403, 403, 200, 200, 403),
    ("POST",   X + "/dismiss",                         "missing", 401, 403, 403, 404, 404, 403),
    # Files are vendor evidence: customers never see them, not even on their
    # own enquiry (the customer's "own" file is the one Blue Heron sent about
    # Jane's order); a vendor sees the files it sent.
    ("GET",    "/api/v1/attachments/{id}",             "own",     401, 404, 200, 200, 200, 403),
    ("GET",    "/api/v1/attachments/{id}",             "other",   401, 404, 404, 200, 200, 403),
    ("GET",    "/api/v1/attachments/{id}",             "missing", 401, 404, 404, 404, 404, 403),
    # A vendor's rating and standing: staff and the back end read all, a vendor its own.
    ("GET",    "/api/v1/vendors/{id}/rating",          "own",     401, 403, 200, 200, 200, 200),
    ("GET",    "/api/v1/vendors/{id}/rating",          "other",   401, 403, 404, 200, 200, 200),
    ("GET",    "/api/v1/vendors/{id}/rating",          "missing", 401, 403, 404, 404, 404, 404),
    ("GET",    "/api/v1/vendors/{id}/standing",        "own",     401, 403, 200, 200, 200, 200),
    ("GET",    "/api/v1/vendors/{id}/standing",        "other",   401, 403, 404, 200, 200, 200),
    ("GET",    "/api/v1/vendors/{id}/standing",        "missing", 401, 403, 404, 404, 404, 404),
    # A vendor appeals the marks on its own record; staff read and decide appeals.
    ("POST",   V + "/appeal",                          "own",     401, 403, 201, 403, 403, 403),
    ("POST",   V + "/appeal",                          "other",   401, 403, 404, 403, 403, 403),
    ("POST",   V + "/appeal",                          "missing", 401, 403, 404, 403, 403, 403),
    ("POST",   "/api/v1/refunds/{id}/appeal",          "own",     401, 403, 201, 403, 403, 403),
    ("POST",   "/api/v1/refunds/{id}/appeal",          "other",   401, 403, 404, 403, 403, 403),
    ("POST",   "/api/v1/refunds/{id}/appeal",          "missing", 401, 403, 404, 403, 403, 403),
    ("POST",   X + "/appeal",                          "own",     401, 403, 201, 403, 403, 403),
    ("POST",   X + "/appeal",                          "other",   401, 403, 404, 403, 403, 403),
    ("POST",   X + "/appeal",                          "missing", 401, 403, 404, 403, 403, 403),
    ("GET",    "/api/v1/appeals",                      "-",       401, 403, 200, 200, 200, 403),
    ("GET",    A,                                      "own",     401, 403, 200, 200, 200, 403),
    ("GET",    A,                                      "other",   401, 403, 404, 200, 200, 403),
    ("GET",    A,                                      "missing", 401, 403, 404, 404, 404, 403),
    ("POST",   A + "/uphold",                          "own",     401, 403, 403, 200, 200, 403),
    ("POST",   A + "/uphold",                          "other",   401, 403, 403, 200, 200, 403),
    ("POST",   A + "/uphold",                          "missing", 401, 403, 403, 404, 404, 403),
    ("POST",   A + "/reverse",                         "own",     401, 403, 403, 200, 200, 403),
    ("POST",   A + "/reverse",                         "other",   401, 403, 403, 200, 200, 403),
    ("POST",   A + "/reverse",                         "missing", 401, 403, 403, 404, 404, 403),
    # Everyone signed in has notifications of their own; anyone else's are not found.
    ("GET",    "/api/v1/notifications",                "-",       401, 200, 200, 200, 200, 200),
    ("POST",   "/api/v1/notifications/read",           "-",       401, 200, 200, 200, 200, 200),
    ("POST",   "/api/v1/notifications/{id}/read",      "own",     401, 200, 200, 200, 200, 200),
    ("POST",   "/api/v1/notifications/{id}/read",      "other",   401, 404, 404, 404, 404, 404),
    ("POST",   "/api/v1/notifications/{id}/read",      "missing", 401, 404, 404, 404, 404, 404),
    # Refunds: staff and the back end all, a vendor its own, customers none.
    ("GET",    "/api/v1/refunds",                      "-",       401, 403, 200, 200, 200, 200),
    # Test hooks are for admins only.
    ("POST",   "/api/v1/_test/clock",                  "-",       401, 403, 403, 403, 200, 403),
    ("POST",   "/api/v1/_test/jobs",                   "-",       401, 403, 403, 403, 200, 403),
]
# fmt: on

ROUTES_C = os.path.join(harness.ROOT, "src", "routes.c")
ROUTE_RE = re.compile(r'\{\s*([GPD])\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*\w+\s*,\s*([01])\s*,'
                      r'\s*([01])\s*\}')
METHODS = {"G": "GET", "P": "POST", "D": "DELETE"}


def declared_routes():
    """{(method, pattern): auth} from the route table in src/routes.c."""
    with open(ROUTES_C, encoding="utf-8") as f:
        text = f.read()
    return {(METHODS[m], p): int(a) for m, p, a, _ in ROUTE_RE.findall(text)}


# The pages answer people in a browser: 303 to the sign-in page, 404 for
# another role's portal, HTML rather than JSON. Their matrix is in test_pages.py.
PAGE_ROUTES = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("GET", "/help"),
               ("GET", "/desk"), ("GET", "/vendor"), ("GET", "/help/enquiries/{id}"),
               ("POST", "/help/enquiries/{id}/reply"), ("POST", "/help/enquiries/{id}/reopen"),
               ("GET", "/desk/enquiries/{id}"), ("POST", "/desk/enquiries/{id}/messages"),
               ("GET", "/vendor/requests/{id}"), ("POST", "/vendor/requests/{id}/answer"),
               ("GET", "/help/orders/{id}/enquiry"), ("POST", "/help/orders/{id}/enquiry"),
               ("POST", "/desk/enquiries/{id}/ask"), ("POST", "/desk/enquiries/{id}/status"),
               ("POST", "/desk/enquiries/{id}/assign"), ("POST", "/help/enquiries/{id}/feedback"),
               ("GET", "/desk/vendors/{id}"), ("GET", "/desk/violations"),
               ("POST", "/desk/violations/{id}/decide"), ("GET", "/vendor/record"),
               ("GET", "/notifications"), ("POST", "/notifications/read"),
               ("GET", "/desk/search"), ("POST", "/desk/enquiries/{id}/refund"),
               ("GET", "/desk/overview"), ("GET", "/desk/templates"), ("POST", "/desk/templates"),
               ("POST", "/desk/templates/{id}/delete")}


def cells():
    """The table expanded: (method, route, scope, role, expected status)."""
    for method, route, scope, *expected in TABLE:
        for role, status in zip(ROLES, expected):
            yield method, route, scope, role, status


def unique():
    return uuid.uuid4().hex[:12]


class AuthzMatrix(ServerCase, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.prepare()
        except BaseException:
            cls.s.close()
            raise

    # ---- fixtures ----

    @classmethod
    def prepare(cls):
        s, t = cls.s, cls.t
        # User ids of every signed-in principal, as the server sees them.
        cls.uid = {}
        for key, token in t.items():
            r = s.get("/api/v1/me", token)
            assert r.status == 200, (key, r)
            cls.uid[key] = r.json()["id"]
        cls.integration_user = cls.uid["integration"]
        # The parties' references, from the database, by the users' e-mail.
        cls.customer_ref = {key: cls.one(
            "SELECT c.ref FROM customers c JOIN users u ON u.id = c.user_id WHERE u.email = ?",
            EMAIL[key]) for key in ("customer", "customer2")}
        cls.vendor_ref = {key: cls.one(
            "SELECT v.ref FROM users u JOIN vendors v ON v.id = u.vendor_id WHERE u.email = ?",
            EMAIL[key]) for key in ("vendor", "vendor2")}
        assert cls.vendor_ref["vendor"] != cls.vendor_ref["vendor2"]
        assert cls.one("SELECT v.shop_name FROM vendors v WHERE v.ref = ?",
                       cls.vendor_ref["vendor"]) == "Northwind Ceramics"
        assert cls.one("SELECT v.shop_name FROM vendors v WHERE v.ref = ?",
                       cls.vendor_ref["vendor2"]) == "Blue Heron Outdoor"
        # One settled set of objects per side, for the routes that only read.
        cls.fx = {}
        for side in SIDES:
            order = cls.new_order(side)
            enquiry = cls.new_enquiry(side, order)
            r = s.post("/api/v1/enquiries/%d/messages" % enquiry, t["agent2"],
                       {"body": "We are looking into it for you.", "audience": "customer"})
            assert r.status == 201, r
            vreq = cls.new_vreq(side, enquiry)
            cls.answer(side, vreq)
            attachment = cls.one(
                "SELECT ma.attachment_id FROM vendor_requests r"
                " JOIN message_attachments ma ON ma.message_id = r.answer_message_id"
                " WHERE r.id = ?", vreq)
            cls.fx[side] = {"order": order, "enquiry": enquiry, "vreq": vreq,
                            "attachment": attachment, "violation": cls.new_violation(side),
                            "appeal": cls.new_appeal(side),
                            "vendor": cls.one("SELECT vendor_id FROM orders WHERE id = ?",
                                              order)}
        cls.check_sides()
        # A notification of each signed-in principal's own (Tom's is "other" to all).
        cls.notes = {}
        for key in t:
            s.change("INSERT INTO notifications (user_id, kind, subject, body, link, object_type,"
                     " object_id, created_at) VALUES (?, 'enquiry.reply', 'A reply', 'A reply.',"
                     " '/help', 'enquiry', 1, 1)", cls.uid[key])
            cls.notes[key] = cls.one("SELECT MAX(id) FROM notifications WHERE user_id = ?",
                                     cls.uid[key])
        # An id larger than any row of any table holds, now or during the test.
        top = 0
        for table in s.tables():
            if "id" in s.columns(table):
                top = max(top, s.sql("SELECT COALESCE(MAX(id), 0) FROM %s" % table)[0][0])
        cls.missing = top + 10 ** 6

    @classmethod
    def one(cls, query, *args):
        rows = cls.s.sql(query, *args)
        assert len(rows) == 1, (query, args, rows)
        return rows[0][0]

    @classmethod
    def check_sides(cls):
        """The fixtures belong to whom the table says they do."""
        owner = {"JB": (harness.CUSTOMER, harness.VENDOR2), "TN": (harness.CUSTOMER2, harness.VENDOR)}
        for side, (customer_email, vendor_email) in owner.items():
            fx = cls.fx[side]
            got = cls.s.sql(
                "SELECT cu.email, (SELECT COUNT(*) FROM users vu WHERE vu.vendor_id = o.vendor_id"
                " AND vu.email = ?) FROM orders o JOIN customers c ON c.id = o.customer_id"
                " JOIN users cu ON cu.id = c.user_id WHERE o.id = ?", vendor_email, fx["order"])
            assert got == [(customer_email, 1)], (side, got)
            assert cls.one("SELECT order_id FROM enquiries WHERE id = ?", fx["enquiry"]) == \
                fx["order"]
            assert cls.one("SELECT enquiry_id FROM vendor_requests WHERE id = ?", fx["vreq"]) == \
                fx["enquiry"]
            # The file was sent by this side's vendor only (files are stored once
            # per content, so each side's file has content of its own).
            links = cls.s.sql(
                "SELECT DISTINCT r.vendor_id FROM message_attachments ma"
                " JOIN messages m ON m.id = ma.message_id"
                " JOIN vendor_requests r ON r.id = m.vendor_request_id"
                " WHERE ma.attachment_id = ?", fx["attachment"])
            vendor_id = cls.one("SELECT vendor_id FROM users WHERE email = ?", vendor_email)
            assert links == [(vendor_id,)], (side, links)

    @classmethod
    def new_order(cls, side):
        r = cls.s.post("/api/v1/orders", cls.t["integration"], {
            "number": "KP-AUTHZ-" + unique(),
            "customer_ref": cls.customer_ref[SIDES[side]["customer"]],
            "vendor_ref": cls.vendor_ref[SIDES[side]["vendor"]],
            "items": [{"sku": "AZ-1", "name": "Test item", "quantity": 1, "unit_price": 1000}],
            "amount": 1000, "currency": "GBP"})
        assert r.status == 201, r
        return r.json()["id"]

    @classmethod
    def new_enquiry(cls, side, order=None):
        order = order or cls.new_order(side)
        r = cls.s.post("/api/v1/enquiries", cls.t[SIDES[side]["customer"]], {
            "order_id": order, "category": "damaged", "subject": "Arrived damaged",
            "message": "The box was crushed."})
        assert r.status == 201, r
        return r.json()["id"]

    @classmethod
    def new_resolved_enquiry(cls, side):
        eid = cls.new_enquiry(side)
        r = cls.s.post("/api/v1/enquiries/%d/status" % eid, cls.t["agent2"], {"status": "resolved"})
        assert r.status == 200, r
        return eid

    @classmethod
    def new_vreq(cls, side, enquiry=None):
        enquiry = enquiry or cls.new_enquiry(side)
        r = cls.s.post("/api/v1/enquiries/%d/vendor-requests" % enquiry, cls.t["agent2"], {
            "question": "Please send the tracking number.", "evidence": ["tracking"],
            "due_in_hours": 24})
        assert r.status == 201, r
        return r.json()["id"]

    @classmethod
    def new_violation(cls, side):
        """A vendor answer that gives a phone number opens a violation."""
        vreq = cls.new_vreq(side)
        body, ctype = multipart({"text": "Call me on 07700 900%03d." % (uuid.uuid4().int % 1000)},
                                [])
        r = cls.s.post("/api/v1/vendor-requests/%d/answer" % vreq, cls.t[SIDES[side]["vendor"]],
                       raw=body, content_type=ctype)
        assert r.status == 200 and r.json().get("violation_id"), r
        return r.json()["violation_id"]

    @classmethod
    def new_late_vreq(cls, side):
        """A request of the side's vendor marked late (overdue), as the clock would."""
        vreq = cls.new_vreq(side)
        cls.s.change("UPDATE vendor_requests SET state = 'overdue' WHERE id = ?", vreq)
        return vreq

    @classmethod
    def new_confirmed_violation(cls, side):
        violation = cls.new_violation(side)
        r = cls.s.post("/api/v1/violations/%d/confirm" % violation, cls.t["agent2"],
                       {"reason": "A phone number."})
        assert r.status == 200, r
        return violation

    @classmethod
    def new_refund(cls, side):
        """An automatic refund charged to the side's vendor, as a lapse would make."""
        vreq = cls.new_late_vreq(side)
        cls.s.change("INSERT INTO refunds (enquiry_id, order_id, vendor_id, vendor_request_id,"
                     " kind, amount, currency, charged_to, reason, created_at)"
                     " SELECT e.id, e.order_id, e.vendor_id, r.id, 'automatic', 1000, 'GBP',"
                     " 'vendor', 'lapsed', 1 FROM vendor_requests r JOIN enquiries e"
                     " ON e.id = r.enquiry_id WHERE r.id = ?", vreq)
        return cls.one("SELECT id FROM refunds WHERE vendor_request_id = ?", vreq)

    @classmethod
    def new_appeal(cls, side):
        """An open appeal of the side's vendor against a late mark."""
        vreq = cls.new_late_vreq(side)
        body, ctype = multipart({"text": "It went out in time."}, [])
        r = cls.s.post("/api/v1/vendor-requests/%d/appeal" % vreq, cls.t[SIDES[side]["vendor"]],
                       raw=body, content_type=ctype)
        assert r.status == 201, r
        return r.json()["id"]

    @staticmethod
    def answer_body():
        """A multipart answer with a file of content no other file has."""
        return multipart({"text": "Tracking attached."},
                         [("files", "proof.png", PNG + uuid.uuid4().bytes, "image/png")])

    @classmethod
    def answer(cls, side, vreq):
        body, ctype = cls.answer_body()
        r = cls.s.post("/api/v1/vendor-requests/%d/answer" % vreq, cls.t[SIDES[side]["vendor"]],
                       raw=body, content_type=ctype)
        assert r.status == 200, r

    @classmethod
    def new_session(cls, key):
        """Signs in once more as a demo user: (session id, token)."""
        token = cls.s.login(EMAIL[key])
        r = cls.s.get("/api/v1/sessions", token)
        assert r.status == 200, r
        ids = [x["id"] for x in r.json()["items"] if x["current"]]
        assert len(ids) == 1, r
        return ids[0], token

    @classmethod
    def new_api_token(cls):
        """A fresh API token of the integration user: (session id, token)."""
        r = cls.s.post("/api/v1/tokens", cls.t["admin"],
                       {"user_id": cls.integration_user, "label": "authz " + unique()})
        assert r.status == 201, r
        return r.json()["id"], r.json()["token"]

    # ---- what each cell sends ----

    @staticmethod
    def side(role, scope):
        """The side holding the role's own (or the other party's) object."""
        own = "TN" if role == "vendor" else "JB"
        return own if scope == "own" else ("JB" if own == "TN" else "TN")

    def key_of(self, role):
        """The signed-in principal playing the role (anonymous: Jane, unused)."""
        return ROLE_TOKEN[role] or "customer"

    def object_id(self, role, scope, kind, fresh=None):
        """The id a cell names: missing, a settled fixture, or a fresh object."""
        if scope == "missing":
            return self.missing
        side = self.side(role, scope)
        return fresh(side) if fresh else self.fx[side][kind]

    def build(self, method, route, scope, role):
        """Returns (path, request keyword arguments, token override or False)."""
        kw = {}
        token = False
        path = route
        if route == "/api/v1/auth/login":
            key = ROLE_TOKEN[role] if role not in ("anonymous", "integration") else "agent2"
            kw["body"] = {"email": EMAIL[key], "password": harness.PASSWORD}
        elif route == "/api/v1/auth/logout":
            if role == "integration":
                token = self.new_api_token()[1]
            elif role != "anonymous":
                token = self.new_session(ROLE_TOKEN[role])[1]
        elif route == "/api/v1/sessions" and scope != "-":
            user = self.uid[self.key_of(role)] if scope == "own" else self.uid["customer2"]
            path += "?user_id=%d" % user
        elif route == "/api/v1/sessions/{id}":
            if scope == "missing":
                sid = self.missing
            elif scope == "other":
                sid = self.new_session("customer2")[0]
            elif role == "integration":
                sid = self.new_api_token()[0]
            else:
                sid = self.new_session(self.key_of(role))[0]
            path = path.replace("{id}", str(sid))
        elif route == "/api/v1/users":
            if method == "POST":
                kw["body"] = {"email": "authz-%s@kapsule.co.uk" % unique(), "name": "Authz Agent",
                              "role": "agent", "password": "authz-password-123"}
        elif route == "/api/v1/tokens":
            kw["body"] = {"user_id": self.integration_user, "label": "authz " + unique()}
        elif route == "/api/v1/vendors" and method == "POST":
            u = unique()
            kw["body"] = {"ref": "V-AUTHZ-" + u, "shop_name": "Authz Shop " + u,
                          "contact_email": "shop-%s@example.org" % u}
        elif route == "/api/v1/customers":
            u = unique()
            kw["body"] = {"ref": "C-AUTHZ-" + u, "email": "authz-%s@example.com" % u,
                          "first_name": "Ann", "last_name": "Authz"}
        elif route == "/api/v1/orders" and method == "POST":
            kw["body"] = {"number": "KP-AUTHZ-" + unique(),
                          "customer_ref": self.customer_ref["customer"],
                          "vendor_ref": self.vendor_ref["vendor"],
                          "items": [{"sku": "AZ-2", "name": "Jug", "quantity": 2,
                                     "unit_price": 1500}],
                          "amount": 3000, "currency": "GBP"}
        elif route.startswith("/api/v1/orders/{id}"):
            path = path.replace("{id}", str(self.object_id(role, scope, "order")))
        elif route == "/api/v1/enquiries" and method == "POST":
            order = self.object_id(role, scope, "order", fresh=self.new_order)
            kw["body"] = {"order_id": order, "category": "not_received",
                          "subject": "Where is my parcel?", "message": "It has not arrived."}
        elif route == E:
            path = path.replace("{id}", str(self.object_id(role, scope, "enquiry")))
        elif route.startswith(E + "/"):
            action = route.rsplit("/", 1)[1]
            fresh = self.new_resolved_enquiry if action in ("reopen", "feedback") \
                else self.new_enquiry
            path = path.replace("{id}", str(self.object_id(role, scope, "enquiry", fresh=fresh)))
            kw["body"] = {
                "messages": {"body": "Any news on this, please?"},
                "assign": {"assignee_id": self.uid["agent"]},
                "status": {"status": "resolved"},
                "reopen": {},
                "feedback": {"score": 4, "comment": "Quick and kind."},
                "refunds": {"amount": 100, "charged_to": "operator", "reason": "Goodwill."},
                "vendor-requests": {"question": "Please send proof of dispatch.",
                                    "evidence": ["tracking", "invoice"], "due_in_hours": 48},
            }[action]
        elif route.startswith("/api/v1/vendors/{id}/"):
            path = path.replace("{id}", str(self.object_id(role, scope, "vendor")))
        elif route in (V + "/appeal", X + "/appeal", "/api/v1/refunds/{id}/appeal"):
            fresh = {V: self.new_late_vreq, X: self.new_confirmed_violation,
                     "/api/v1/refunds/{id}": self.new_refund}[route[:-len("/appeal")]]
            path = path.replace("{id}", str(self.object_id(role, scope, "-", fresh=fresh)))
            kw["raw"], kw["content_type"] = multipart({"text": "Please look again."}, [])
        elif route == A:
            path = path.replace("{id}", str(self.object_id(role, scope, "appeal")))
        elif route.startswith(A + "/"):
            path = path.replace("{id}", str(self.object_id(role, scope, "appeal",
                                                           fresh=self.new_appeal)))
            kw["body"] = {"reason": "Checked the courier's record."}
        elif route == V:
            path = path.replace("{id}", str(self.object_id(role, scope, "vreq")))
        elif route.startswith(V + "/"):
            path = path.replace("{id}", str(self.object_id(role, scope, "vreq",
                                                           fresh=self.new_vreq)))
            if route.endswith("/answer"):
                kw["raw"], kw["content_type"] = self.answer_body()
            else:
                kw["body"] = {}
        elif route == X:
            path = path.replace("{id}", str(self.object_id(role, scope, "violation")))
        elif route.startswith(X + "/"):
            path = path.replace("{id}", str(self.object_id(role, scope, "violation",
                                                           fresh=self.new_violation)))
            kw["body"] = {"reason": "Checked against the message."}
        elif route == "/api/v1/attachments/{id}":
            path = path.replace("{id}", str(self.object_id(role, scope, "attachment")))
        elif route == "/api/v1/notifications/read":
            kw["body"] = {"up_to": 1}
        elif route == "/api/v1/notifications/{id}/read":
            nid = self.missing if scope == "missing" else \
                self.notes[self.key_of(role) if scope == "own" else "customer2"]
            path = path.replace("{id}", str(nid))
        elif route == "/api/v1/_test/clock":
            kw["body"] = {"advance_ms": 0}
        elif route == "/api/v1/_test/jobs":
            kw["body"] = {}
        if method == "POST" and "body" not in kw and "raw" not in kw:
            kw["body"] = {}
        assert "{" not in path, path
        return path, kw, token

    # ---- the tests ----

    def test_table_covers_every_route(self):
        declared = declared_routes()
        self.assertEqual(len(declared), 88, "routes.c parsed: %r" % sorted(declared))
        self.assertLessEqual(PAGE_ROUTES, set(declared))
        served = declared
        declared = {k: v for k, v in declared.items() if k not in PAGE_ROUTES}
        tabled = {}
        for method, route, scope, *expected in TABLE:
            self.assertEqual(len(expected), len(ROLES), route)
            tabled.setdefault((method, route), []).append((scope, expected))
        self.assertEqual(sorted(tabled), sorted(declared))
        p = self.s.cli("routes")
        self.assertEqual(p.returncode, 0, p.stderr)
        listed = {tuple(line.split()[:2]) for line in p.stdout.splitlines() if line.strip()}
        self.assertEqual(listed, set(served))
        for (method, route), rows in tabled.items():
            scopes = sorted(scope for scope, _ in rows)
            self.assertEqual(len(scopes), len(set(scopes)), route)
            if "{id}" in route:
                self.assertEqual(scopes, ["missing", "other", "own"], route)
            for scope, expected in rows:
                anon = expected[0]
                # Anonymous: 401 exactly where the route needs a session.
                self.assertEqual(anon == 401, bool(declared[(method, route)]), (route, scope))
                for status in expected:
                    self.assertTrue(200 <= status < 300 or status in ERROR_CODE, (route, status))
                if scope == "missing":
                    # A missing id is never allowed; roles that may act get 404.
                    self.assertTrue(all(x in (401, 403, 404) for x in expected), route)
                if scope == "other" and "{id}" in route or (method, route, scope) == \
                        ("POST", "/api/v1/enquiries", "other"):
                    own = dict((sc, ex) for sc, ex in rows)["own"]
                    for role, a, b in zip(ROLES, own, expected):
                        # Another's object is never more open than one's own, and a
                        # role forbidden the action is forbidden it on every object.
                        # (Not for the sessions list: ?user_id= of someone else is
                        # an admin right, not an object, so 403 there is by role.)
                        self.assertEqual(a == 403, b == 403, (route, role))
                        if a == 404:
                            self.assertEqual(b, 404, (route, role))

    def test_matrix(self):
        s = self.s
        n = 0
        for method, route, scope, role, expected in cells():
            n += 1
            with self.subTest(method=method, route=route, scope=scope, role=role,
                              expected=expected):
                path, kw, token = self.build(method, route, scope, role)
                if token is False:
                    token = self.t[ROLE_TOKEN[role]] if ROLE_TOKEN[role] else None
                unchanged = expected >= 400 or method == "GET"
                before = s.fingerprint() if unchanged else None
                r = s.request(method, path, token=token, **kw)
                after = s.fingerprint() if unchanged else None
                where = "%s %s [%s] as %s" % (method, path, scope, role)
                self.assertEqual(r.status, expected, "%s: got %r" % (where, r))
                if expected >= 400:
                    self.assertEqual(r.header("Content-Type"), "application/json", where)
                    err = r.json().get("error")
                    self.assertIsInstance(err, dict, where)
                    self.assertEqual(err.get("code"), ERROR_CODE[expected], "%s: %r" % (where, r))
                if unchanged:
                    self.assertEqual(after, before, "%s changed the database" % where)
        self.assertEqual(n, len(TABLE) * len(ROLES))


if __name__ == "__main__":
    unittest.main()
