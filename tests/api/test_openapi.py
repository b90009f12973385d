"""docs/openapi.yaml against the server it describes.

- The set of (method, path) pairs under `paths:` equals what `kapsule routes`
  prints (test-only routes included), and exactly the test-only routes carry
  `x-test-only: true`.
- The document the server serves at /api/v1/openapi.yaml is the file, byte
  for byte (it is compiled in: rebuild after editing the file).
- Every operation has an operationId, a summary, the roles in its
  description, and responses; every $ref resolves; the error codes are the
  ones in src/base/err.h.
- Request bodies match the handlers' field tables in src/api/*.c (names,
  types, required), and a running server agrees: unknown members are refused,
  documented members are known, required ones are required, and every
  documented query parameter is checked.
- Real responses, for every role and through a whole enquiry flow, have a
  documented status and fit the documented schema; objects are checked as
  closed, so an undocumented member fails too.

Standard library only: the `paths:` section is read line by line, and the
whole document with a small reader for the subset of YAML the file uses
(checked against PyYAML when that is installed).
"""
import glob
import json
import os
import re
import subprocess
import unittest

import harness
from harness import ServerCase

ROOT = harness.ROOT
SPEC = os.path.join(ROOT, "docs", "openapi.yaml")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def read_spec_bytes():
    with open(SPEC, "rb") as f:
        return f.read()


# ---- the paths section, line by line ----

def spec_routes(text):
    """(METHOD, path) -> {"test_only": bool} from the `paths:` section: path
    lines are indented 2 spaces and end with ':', method lines 4 spaces."""
    routes = {}
    in_paths = False
    path = None
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            in_paths = line.rstrip() == "paths:"
            path = current = None
            continue
        if not in_paths:
            continue
        if indent == 2:
            if not line.rstrip().endswith(":"):
                raise AssertionError("path line does not end with ':': %r" % line)
            path = line.strip()[:-1].strip("'\"")
            current = None
        elif indent == 4:
            key = line.strip().split(":", 1)[0]
            current = None
            if key in HTTP_METHODS:
                current = (key.upper(), path)
                if current in routes:
                    raise AssertionError("%s %s is documented twice" % current)
                routes[current] = {"test_only": False}
        elif indent == 6 and current and line.strip() == "x-test-only: true":
            routes[current]["test_only"] = True
    return routes


def server_routes():
    """(METHOD, path) -> {"test_only": bool} as `kapsule routes` prints them."""
    p = subprocess.run([harness.BIN, "routes"], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError("kapsule routes failed: " + p.stdout + p.stderr)
    out = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "test-only"):
            raise AssertionError("unexpected line from kapsule routes: %r" % line)
        key = (parts[0], parts[1])
        if key in out:
            raise AssertionError("kapsule routes prints %s %s twice" % key)
        out[key] = {"test_only": len(parts) == 3}
    return out


# ---- a reader for the YAML subset the document uses ----

class MiniYaml:
    """Block mappings and sequences, plain and quoted scalars, one-line flow
    sequences and empty flow mappings, literal (|) and folded (>) block
    scalars, and comment lines."""

    def __init__(self, text):
        self.raw = text.split("\n")
        self.lines = []  # [indent, text] or None for blank/comment lines
        for ln in self.raw:
            if "\t" in ln[:len(ln) - len(ln.lstrip())]:
                raise ValueError("tab in indentation: %r" % ln)
            s = ln.strip()
            if not s or s.startswith("#"):
                self.lines.append(None)
            else:
                self.lines.append([len(ln) - len(ln.lstrip(" ")), ln.strip()])

    @classmethod
    def load(cls, text):
        y = cls(text)
        i = y.skip(0)
        value, i = y.block(i, y.lines[i][0])
        i = y.skip(i)
        if i < len(y.lines):
            raise ValueError("line %d: unexpected text %r" % (i + 1, y.raw[i]))
        return value

    def skip(self, i):
        while i < len(self.lines) and self.lines[i] is None:
            i += 1
        return i

    def is_item(self, text):
        return text == "-" or text.startswith("- ")

    def block(self, i, indent):
        if self.is_item(self.lines[i][1]):
            return self.sequence(i, indent)
        return self.mapping(i, indent)

    KEY = re.compile(r"""^('(?:[^']|'')*'|"(?:[^"\\]|\\.)*"|[^'"\s\[\]{}#,&*!|>%@`-][^#]*?|-[^\s#][^#]*?)\s*:(?:\s+|$)""")

    def split_key(self, text):
        m = self.KEY.match(text)
        if not m:
            return None
        return self.scalar(m.group(1)), text[m.end():]

    def mapping(self, i, indent):
        out = {}
        while True:
            i = self.skip(i)
            if i >= len(self.lines) or self.lines[i][0] < indent:
                return out, i
            ind, text = self.lines[i]
            if ind > indent or self.is_item(text):
                raise ValueError("line %d: bad indentation %r" % (i + 1, self.raw[i]))
            kv = self.split_key(text)
            if kv is None:
                raise ValueError("line %d: not a key: %r" % (i + 1, self.raw[i]))
            key, rest = kv
            if key in out:
                raise ValueError("line %d: duplicate key %r" % (i + 1, key))
            out[key], i = self.value(i, indent, rest)

    def sequence(self, i, indent):
        out = []
        while True:
            i = self.skip(i)
            if i >= len(self.lines) or self.lines[i][0] < indent:
                return out, i
            ind, text = self.lines[i]
            if ind != indent or not self.is_item(text):
                if ind == indent:
                    return out, i
                raise ValueError("line %d: bad indentation %r" % (i + 1, self.raw[i]))
            rest = text[1:].lstrip(" ")
            if self.split_key(rest) is not None:
                # "- key: value": a mapping whose first key sits after the dash
                self.lines[i] = [indent + (len(text) - len(rest)), rest]
                item, i = self.mapping(i, self.lines[i][0])
                out.append(item)
            else:
                item, i = self.value(i, indent, rest)
                out.append(item)

    def value(self, i, indent, rest):
        rest = rest.strip()
        if rest in ("|", "|-", ">", ">-"):
            return self.block_scalar(i, indent, rest)
        if rest:
            return self.scalar(rest), i + 1
        j = self.skip(i + 1)
        if j < len(self.lines) and self.lines[j][0] > indent:
            return self.block(j, self.lines[j][0])
        if j < len(self.lines) and self.lines[j][0] == indent and self.is_item(self.lines[j][1]):
            return self.sequence(j, indent)
        return None, i + 1

    def block_scalar(self, i, indent, style):
        body = []
        j = i + 1
        content_indent = None
        while j < len(self.raw):
            ln = self.raw[j]
            if ln.strip():
                ind = len(ln) - len(ln.lstrip(" "))
                if ind <= indent:
                    break
                if content_indent is None:
                    content_indent = ind
                if ind < content_indent:
                    raise ValueError("line %d: under-indented block scalar" % (j + 1))
                body.append(ln[content_indent:])
            else:
                body.append("")
            j += 1
        while body and body[-1] == "":
            body.pop()
            j -= 1
        if style.startswith("|"):
            text = "\n".join(body)
        else:
            paragraphs, cur, blanks = [], [], 0
            out = ""
            for ln in body:
                if ln == "":
                    blanks += 1
                    continue
                if ln.startswith(" "):
                    raise ValueError("line %d: more-indented line in a folded scalar" % (j + 1))
                if cur and blanks:
                    out += " ".join(cur) + "\n" * blanks
                    cur = []
                cur.append(ln)
                blanks = 0
            out += " ".join(cur)
            text = out
        if not style.endswith("-") and text:
            text += "\n"
        return text, j

    def scalar(self, s):
        s = s.strip()
        if s.startswith("'"):
            if not s.endswith("'") or len(s) < 2:
                raise ValueError("unclosed quote: %r" % s)
            return s[1:-1].replace("''", "'")
        if s.startswith('"'):
            return json.loads(s)
        if s.startswith("["):
            if not s.endswith("]"):
                raise ValueError("multi-line flow sequence: %r" % s)
            inner = s[1:-1].strip()
            if not inner:
                return []
            items, cur, quote = [], "", None
            for ch in inner:
                if quote:
                    cur += ch
                    if ch == quote:
                        quote = None
                elif ch in "'\"":
                    quote = ch
                    cur += ch
                elif ch == ",":
                    items.append(cur)
                    cur = ""
                elif ch in "[]{}":
                    raise ValueError("nested flow collection: %r" % s)
                else:
                    cur += ch
            items.append(cur)
            return [self.scalar(x) for x in items]
        if s.startswith("{"):
            if s != "{}":
                raise ValueError("non-empty flow mapping: %r" % s)
            return {}
        if " #" in s:
            s = s.split(" #", 1)[0].rstrip()
        if s in ("true", "True", "TRUE"):
            return True
        if s in ("false", "False", "FALSE"):
            return False
        if s in ("null", "Null", "NULL", "~"):
            return None
        if re.match(r"^[-+]?[0-9]+$", s):
            return int(s)
        if re.match(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$", s):
            return float(s)
        return s


def load_spec():
    return MiniYaml.load(read_spec_bytes().decode("utf-8"))


def flatten(doc, schema):
    """The schema with $ref followed and allOf merged (properties, required)."""
    s = schema
    seen = set()
    while isinstance(s, dict) and "$ref" in s:
        if s["$ref"] in seen:
            raise AssertionError("$ref loop at " + s["$ref"])
        seen.add(s["$ref"])
        s = ref_target(doc, s["$ref"])
    if "allOf" not in s:
        return s
    out = {k: v for k, v in s.items() if k != "allOf"}
    props = dict(out.get("properties") or {})
    required = list(out.get("required") or [])
    for sub in s["allOf"]:
        f = flatten(doc, sub)
        props.update(f.get("properties") or {})
        required += f.get("required") or []
        for k, v in f.items():
            if k not in ("properties", "required", "description"):
                out.setdefault(k, v)
    if props:
        out["properties"] = props
    if required:
        out["required"] = required
    return out


def resolve(doc, node):
    """Follows $ref (and merges allOf) to the schema a node names."""
    return flatten(doc, node)


def ref_target(doc, ref):
    if not ref.startswith("#/"):
        raise AssertionError("external $ref: " + ref)
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise AssertionError("$ref does not resolve: " + ref)
        node = node[part]
    return node


def operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield method.upper(), path, op


# ---- the route table and field tables in the source ----

def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def source_routes():
    """(METHOD, path) -> (handler, body kind, auth, test) from src/routes.c."""
    text = read(os.path.join(ROOT, "src", "routes.c"))
    letters = dict(re.findall(r"#define (\w+) HTTP_(\w+)", text))
    out = {}
    for m in re.finditer(r'\{(\w+), "([^"]+)", (\w+), (BODY_\w+), ([01]), ([01])\}', text):
        out[(letters[m.group(1)], m.group(2))] = (m.group(3), m.group(4), m.group(5) == "1",
                                                  m.group(6) == "1")
    return out


EMPTY_TABLE = "(const struct field[]){{NULL, 0, 0}}"


def field_tables():
    """Handler name -> (top-level fields, nested fields or None), each a list of
    (name, F_TYPE, required), from src/api/*.c."""
    tables, handlers = {}, {}
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "api", "*.c"))):
        text = read(path)
        for m in re.finditer(r"static const struct field (\w+)\[\] = \{(.*?)\};", text, re.S):
            tables[m.group(1)] = [(n, t, r == "1") for n, t, r in
                                  re.findall(r'\{"(\w+)", (F_\w+), ([01])\}', m.group(2))]
        for m in re.finditer(r"\nvoid (h_\w+)\(struct req \*r\)\n\{\n(.*?)\n\}\n", text, re.S):
            handlers[m.group(1)] = m.group(2)
    tables[EMPTY_TABLE] = []
    out = {}
    for name, body in handlers.items():
        m = re.search(r"(?:api_body_or_reply|api_body_files_or_reply|api_decide|act)\(r,\s*(\w+_fields|%s)"
                      % re.escape(EMPTY_TABLE),
                      body)
        if not m and "api_text_files_or_reply(r," in body:
            out[name] = (tables["text_fields"], None)  # text and files (api.c)
            continue
        if not m:
            continue
        nested = re.search(r"api_check_object_or_reply\(r, \w+, (\w+_fields)", body)
        out[name] = (tables[m.group(1)], tables[nested.group(1)] if nested else None)
    return out


def type_matches(doc, schema, ftype):
    s = resolve(doc, schema)
    t = s.get("type")
    if ftype == "F_STR":
        return t == "string" and not s.get("nullable")
    if ftype == "F_INT":
        return t == "integer" and not s.get("nullable")
    if ftype == "F_INT_NULL":
        return t == "integer" and s.get("nullable") is True
    if ftype == "F_BOOL":
        return t == "boolean"
    if ftype == "F_OBJ":
        return t == "object"
    if ftype in ("F_STR_ARR", "F_OBJ_ARR"):
        want = "string" if ftype == "F_STR_ARR" else "object"
        return t == "array" and resolve(doc, s.get("items", {})).get("type") == want
    raise AssertionError("unknown field type " + ftype)


def wrong_value(doc, schema):
    """A JSON value of the wrong type for the schema."""
    s = resolve(doc, schema)
    return {"string": 12345, "integer": "x", "boolean": "x", "array": "x",
            "object": "x"}[s["type"]]


def json_body_schema(doc, op):
    content = (op.get("requestBody") or {}).get("content") or {}
    if "application/json" not in content:
        return None
    return resolve(doc, content["application/json"]["schema"])


def fill_path(path):
    return re.sub(r"\{[^}]+\}", "1", path)



TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def schema_problems(doc, schema, value, where="$"):
    """What is wrong with value against schema.  Objects are closed: a member
    the schema does not name is a problem unless additionalProperties allows
    it, so undocumented fields are caught too."""
    s = flatten(doc, schema)
    if "oneOf" in s:
        fits = [alt for alt in s["oneOf"] if not schema_problems(doc, alt, value, where)]
        if len(fits) != 1:
            return ["%s: fits %d of the oneOf alternatives, not 1" % (where, len(fits))]
        return []
    if value is None:
        return [] if s.get("nullable") else ["%s: null is not allowed" % where]
    t = s.get("type")
    if t is None and "properties" in s:
        t = "object"
    checks = {"string": lambda v: isinstance(v, str),
              "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
              "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
              "boolean": lambda v: isinstance(v, bool),
              "array": lambda v: isinstance(v, list),
              "object": lambda v: isinstance(v, dict)}
    if t and not checks[t](value):
        return ["%s: %r is not of type %s" % (where, value, t)]
    out = []
    if "enum" in s and value not in s["enum"]:
        out.append("%s: %r is not one of %r" % (where, value, s["enum"]))
    if t == "string" and s.get("format") == "date-time" and not TIME.match(value):
        out.append("%s: %r is not an RFC 3339 time" % (where, value))
    if t == "array":
        for i, v in enumerate(value):
            out += schema_problems(doc, s.get("items", {}), v, "%s[%d]" % (where, i))
    if t == "object":
        props = s.get("properties") or {}
        for name in s.get("required") or []:
            if name not in value:
                out.append("%s: required member '%s' is missing" % (where, name))
        extra = s.get("additionalProperties", False)
        for name, v in value.items():
            if name in props:
                out += schema_problems(doc, props[name], v, "%s.%s" % (where, name))
            elif isinstance(extra, dict):
                out += schema_problems(doc, extra, v, "%s.%s" % (where, name))
            elif extra is not True:
                out.append("%s: member '%s' is not documented" % (where, name))
    return out


# ---- the tests ----

class OpenApiDocument(unittest.TestCase):
    """Checks of the file against the program and its sources (no server)."""

    @classmethod
    def setUpClass(cls):
        cls.text = read_spec_bytes().decode("utf-8")
        cls.doc = load_spec()

    def test_routes_match_kapsule_routes(self):
        documented = spec_routes(self.text)
        served = server_routes()
        self.assertTrue(served, "kapsule routes printed nothing")
        missing = sorted(set(served) - set(documented))
        extra = sorted(set(documented) - set(served))
        self.assertEqual(missing, [], "routes the server answers but docs/openapi.yaml lacks")
        self.assertEqual(extra, [], "routes docs/openapi.yaml describes but the server lacks")

    def test_test_only_routes_are_marked(self):
        documented = spec_routes(self.text)
        served = server_routes()
        self.assertTrue(any(v["test_only"] for v in served.values()))
        for key, info in served.items():
            self.assertEqual(documented[key]["test_only"], info["test_only"],
                             "%s %s: x-test-only: true must mark exactly the test-only routes"
                             % key)
        for method, path, op in operations(self.doc):
            if op.get("x-test-only"):
                self.assertIs(op["x-test-only"], True)
                self.assertIn("test-only: exists only with test_clock on", op["description"],
                              "%s %s" % (method, path))

    def test_line_reader_agrees_with_document_reader(self):
        self.assertEqual(set(spec_routes(self.text)),
                         {(m, p) for m, p, _ in operations(self.doc)})

    def test_document_reader_agrees_with_pyyaml(self):
        try:
            import yaml
        except ImportError:
            self.skipTest("PyYAML is not installed")
        self.assertEqual(self.doc, yaml.safe_load(self.text))

    def test_valid_openapi_when_a_validator_is_installed(self):
        try:
            from openapi_spec_validator import validate
        except ImportError:
            self.skipTest("openapi-spec-validator is not installed")
        validate(self.doc)

    def test_document_shape(self):
        self.assertEqual(self.doc["openapi"], "3.0.3")
        self.assertTrue(self.text.endswith("\n"))
        schemes = self.doc["components"]["securitySchemes"]
        self.assertEqual(schemes["bearerAuth"], dict(schemes["bearerAuth"], type="http",
                                                     scheme="bearer"))
        self.assertEqual((schemes["cookieAuth"]["type"], schemes["cookieAuth"]["in"],
                          schemes["cookieAuth"]["name"]), ("apiKey", "cookie", "kapsule_session"))
        for name in ("Order", "Enquiry", "Message", "File", "VendorRequest", "User", "Vendor",
                     "Session", "Error", "OrderPage", "EnquiryPage", "VendorRequestPage"):
            self.assertIn(name, self.doc["components"]["schemas"])

    def test_every_operation_is_complete(self):
        ids = set()
        for method, path, op in operations(self.doc):
            where = "%s %s" % (method, path)
            self.assertTrue(op.get("operationId"), where)
            self.assertNotIn(op["operationId"], ids, where + ": operationId used twice")
            ids.add(op["operationId"])
            self.assertTrue(op.get("summary"), where)
            self.assertTrue(op.get("description"), where)
            self.assertIn("Roles:", op["description"], where + ": say which roles may call it")
            responses = op.get("responses") or {}
            # A success, or for a page's form the redirect that follows one.
            self.assertTrue(any(str(c).startswith("2") for c in responses) or
                            ("pages" in op.get("tags", []) and "303" in responses), where)
            for code in responses:
                self.assertIsInstance(code, str, where + ": quote response codes")
            params = [resolve(self.doc, p) for p in op.get("parameters", [])]
            names = [p["name"] for p in params if p["in"] == "path"]
            self.assertEqual(names, re.findall(r"\{(\w+)\}", path), where)
            if names:
                self.assertIn("404", responses, where)
            secured = op.get("security", self.doc["security"]) != []
            if secured:
                self.assertIn("401", responses, where)

    def test_every_ref_resolves(self):
        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if k == "$ref":
                        ref_target(self.doc, v)
                    else:
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(self.doc)

    def test_error_codes_are_those_of_err_h(self):
        text = read(os.path.join(ROOT, "src", "base", "err.h"))
        table = re.findall(r'X\((\w+), "(\w+)", (\d+),', text)
        self.assertTrue(table)
        codes = {code: int(status) for name, code, status in table if name != "OK"}
        schema = self.doc["components"]["schemas"]["ErrorCode"]
        self.assertEqual(sorted(schema["enum"]), sorted(codes))
        for code, status in codes.items():
            self.assertIn("`%s` %d" % (code, status), schema["description"])
        err = self.doc["components"]["schemas"]["Error"]["properties"]["error"]
        self.assertEqual(sorted(err["required"]), ["code", "message"])
        self.assertEqual(sorted(err["properties"]), ["code", "field", "message", "spans"])

    def test_bodies_match_routes_and_field_tables(self):
        routes = source_routes()
        self.assertEqual(set(routes), set(server_routes()))
        tables = field_tables()
        for method, path, op in operations(self.doc):
            where = "%s %s" % (method, path)
            handler, body, auth, test_only = routes[(method, path)]
            self.assertEqual(op.get("security", self.doc["security"]) != [], auth,
                             where + ": security must say whether it needs a sign-in")
            content = (op.get("requestBody") or {}).get("content") or {}
            if body == "BODY_NONE":
                self.assertEqual(content, {}, where + " takes no body")
                continue
            if body in ("BODY_FORM", "BODY_FILES"):
                # A page's form: the pages' tests check its fields (test_pages.py).
                want = {"application/x-www-form-urlencoded"}
                if body == "BODY_FILES":
                    want.add("multipart/form-data")
                self.assertEqual(set(content), want, where)
                continue
            want = {"application/json"}
            if body == "BODY_UPLOAD":
                want.add("multipart/form-data")
            self.assertEqual(set(content), want, where)
            self.assertIn(handler, tables, where + ": no field table found for " + handler)
            fields, nested = tables[handler]
            schema = json_body_schema(self.doc, op)
            self.assertEqual(schema.get("type"), "object", where)
            self.assertIs(schema.get("additionalProperties"), False,
                          where + ": the server refuses unknown members")
            self.check_fields(where, schema, fields)
            if nested is not None:
                arrays = [p for p in schema["properties"].values()
                          if resolve(self.doc, p).get("type") == "array"
                          and resolve(self.doc, resolve(self.doc, p)["items"]).get("type")
                          == "object"]
                self.assertEqual(len(arrays), 1, where)
                item = resolve(self.doc, resolve(self.doc, arrays[0])["items"])
                self.assertIs(item.get("additionalProperties"), False, where)
                self.check_fields(where + " items[]", item, nested)

    def check_fields(self, where, schema, fields):
        props = schema.get("properties") or {}
        self.assertEqual(sorted(props), sorted(n for n, _, _ in fields),
                         where + ": documented members differ from the handler's field table")
        self.assertEqual(sorted(schema.get("required", [])), sorted(n for n, _, r in fields if r),
                         where + ": required members differ from the handler's field table")
        for name, ftype, _ in fields:
            self.assertTrue(type_matches(self.doc, props[name], ftype),
                            "%s: '%s' is %s in the handler" % (where, name, ftype))


class OpenApiServed(ServerCase, unittest.TestCase):
    """Checks against a running server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.doc = load_spec()

    def test_served_document_is_the_file(self):
        r = self.s.get("/api/v1/openapi.yaml")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("Content-Type").startswith("application/yaml"))
        self.assertEqual(r.body, read_spec_bytes(),
                         "the served openapi.yaml differs from docs/openapi.yaml: rebuild")

    def test_security_matches_the_server(self):
        for method, path, op in operations(self.doc):
            secured = op.get("security", self.doc["security"]) != []
            body = None if method in ("GET", "DELETE") else {}
            r = self.s.request(method, fill_path(path), body=body)
            if secured:
                self.assertEqual(r.status, 401, "%s %s without a sign-in: %r" % (method, path, r))
            else:
                self.assertNotEqual(r.status, 401, "%s %s is public: %r" % (method, path, r))

    def json_ops(self):
        for method, path, op in operations(self.doc):
            schema = json_body_schema(self.doc, op)
            if schema is not None:
                yield method, path, schema

    def test_unknown_members_are_refused(self):
        for method, path, schema in self.json_ops():
            r = self.s.request(method, fill_path(path), token=self.t["admin"],
                               body={"zz_not_a_member": 1})
            self.assertEqual((r.status, r.json()["error"]["code"], r.json()["error"].get("field")),
                             (400, "unknown_field", "zz_not_a_member"),
                             "%s %s: %r" % (method, path, r))

    def test_documented_members_are_known(self):
        for method, path, schema in self.json_ops():
            for name, prop in (schema.get("properties") or {}).items():
                r = self.s.request(method, fill_path(path), token=self.t["admin"],
                                   body={name: wrong_value(self.doc, prop)})
                self.assertEqual((r.status, r.json()["error"]["code"],
                                  r.json()["error"].get("field")),
                                 (400, "wrong_type", name), "%s %s '%s': %r" % (method, path,
                                                                               name, r))

    def test_required_members_are_required(self):
        for method, path, schema in self.json_ops():
            required = schema.get("required") or []
            if not required:
                continue  # {} would be a valid request and change things
            r = self.s.request(method, fill_path(path), token=self.t["admin"], body={})
            self.assertEqual((r.status, r.json()["error"]["code"]), (400, "missing_field"),
                             "%s %s: %r" % (method, path, r))
            self.assertIn(r.json()["error"]["field"], required)

    def test_documented_query_parameters_are_checked(self):
        checked = 0
        for method, path, op in operations(self.doc):
            for p in op.get("parameters", []):
                p = resolve(self.doc, p)
                if p["in"] != "query":
                    continue
                schema = resolve(self.doc, p["schema"])
                if not (schema.get("type") in ("integer", "boolean") or "enum" in schema
                        or "pattern" in schema or p["name"] == "cursor"):
                    continue  # free text the server does not check
                r = self.s.request(method, "%s?%s=zz-bad" % (fill_path(path), p["name"]),
                                   token=self.t["admin"])
                if "pages" in op.get("tags", []):  # a page says so in words
                    self.assertEqual(r.status, 400, "%s %s ?%s: %r" % (method, path, p["name"], r))
                    self.assertTrue(r.header("Content-Type").startswith("text/html"), path)
                else:
                    self.assertEqual((r.status, r.json()["error"].get("field")),
                                     (400, p["name"]),
                                     "%s %s ?%s: %r" % (method, path, p["name"], r))
                checked += 1
        self.assertGreater(checked, 10)


    # ---- real responses against the documented ones ----

    def call(self, method, template, token=None, body=None, raw=None, content_type=None,
             query="", headers=None, **ids):
        """Sends a request to a documented route and checks the answer: its
        status is documented for the operation and its body fits the
        documented schema for that status and content type."""
        op = self.doc["paths"][template][method.lower()]
        path = template
        for k, v in ids.items():
            path = path.replace("{%s}" % k, str(v))
        if query:
            path += "?" + query
        r = self.s.request(method, path, token=token, body=body, raw=raw,
                           content_type=content_type, headers=headers)
        where = "%s %s (%s)" % (method, path, r.status)
        responses = op.get("responses") or {}
        doc = responses.get(str(r.status))
        if doc is None:
            self.problems.append("%s: status %d is not documented" % (where, r.status))
            return r
        doc = flatten(self.doc, doc)
        ctype = (r.header("Content-Type") or "").split(";")[0].strip()
        content = doc.get("content") or {}
        types = {k.split(";")[0].strip(): v for k, v in content.items()}
        if ctype not in types:
            self.problems.append("%s: Content-Type %s is not documented (%s)"
                                 % (where, ctype, ", ".join(sorted(types))))
            return r
        if ctype == "application/json":
            self.problems += schema_problems(self.doc, types[ctype]["schema"], r.json(),
                                             where + " body")
        if r.header("Idempotent-Replayed") and "Idempotent-Replayed" not in (doc.get("headers")
                                                                             or {}):
            self.problems.append("%s: Idempotent-Replayed is not documented" % where)
        return r

    def test_responses_match_the_documented_ones(self):
        self.problems = []
        t = self.t
        c = self.call
        for path in ("/", "/healthz", "/readyz", "/metrics", "/api/v1/openapi.yaml",
                     "/static/app.css", "/login", "/help", "/desk", "/vendor"):
            c("GET", path)
        form = "application/x-www-form-urlencoded"
        c("POST", "/login", raw=b"email=&password=", content_type=form)
        c("POST", "/login", raw=b"email=nobody%40example.com&password=x", content_type=form)
        c("POST", "/login", raw=b"email=%ZZ", content_type=form)
        c("POST", "/login", body={"email": "x"})
        c("POST", "/logout", raw=b"", content_type=form)
        c("POST", "/logout", t["agent"], raw=b"csrf=wrong", content_type=form)
        roles = ["customer", "customer2", "vendor", "vendor_b", "vendor2", "agent", "admin",
                 "integration"]
        for role in roles:
            tok = t[role]
            for page in ("/login", "/help", "/desk", "/vendor"):
                c("GET", page, tok)
            c("GET", "/api/v1/me", tok)
            c("GET", "/api/v1/sessions", tok)
            c("GET", "/api/v1/users", tok, query="limit=100")
            c("GET", "/api/v1/audit", tok, query="limit=100")
            c("GET", "/api/v1/vendors", tok, query="limit=2")
            r = c("GET", "/api/v1/orders", tok, query="limit=100")
            for o in (r.json().get("items") or [])[:4] if r.status == 200 else []:
                c("GET", "/api/v1/orders/{id}", tok, id=o["id"])
                c("GET", "/api/v1/orders/{id}/replies", tok, id=o["id"])
            c("GET", "/api/v1/orders/{id}", tok, id=999999)
            r = c("GET", "/api/v1/enquiries", tok, query="status=all&limit=100")
            for q in (r.json().get("items") or []) if r.status == 200 else []:
                c("GET", "/api/v1/enquiries/{id}", tok, id=q["id"])
            c("GET", "/api/v1/enquiries/{id}", tok, id=1)
            r = c("GET", "/api/v1/vendor-requests", tok, query="state=all&limit=100")
            for v in (r.json().get("items") or []) if r.status == 200 else []:
                c("GET", "/api/v1/vendor-requests/{id}", tok, id=v["id"])
            c("GET", "/api/v1/vendor-requests/{id}", tok, id=1)
            c("GET", "/api/v1/attachments/{id}", tok, id=999999)

        # The marketplace pushes a vendor, a customer and an order.
        c("POST", "/api/v1/vendors", t["integration"],
          {"ref": "V-OAS", "shop_name": "Spec Shop", "contact_email": "spec@shop.example"})
        c("POST", "/api/v1/vendors", t["integration"], {"ref": "V-OAS", "shop_name": "Spec Shop"})
        c("POST", "/api/v1/customers", t["integration"],
          {"ref": "C-OAS", "email": "oas@example.com", "first_name": "Oa", "last_name": "Spec"})
        order = {"number": "KP-OAS-1", "customer_ref": "C-1001", "vendor_ref": "V-NORTHWIND",
                 "items": [{"name": "Mug", "quantity": 1, "unit_price": 900}], "amount": 900,
                 "currency": "GBP", "note": "Call 07700 900123"}
        key = harness.new_key()
        r = c("POST", "/api/v1/orders", t["integration"], order,
              headers={"Idempotency-Key": key})
        self.assertEqual(r.status, 201, r)
        oid = r.json()["id"]
        r = c("POST", "/api/v1/orders", t["integration"], order, headers={"Idempotency-Key": key})
        self.assertEqual(r.header("Idempotent-Replayed"), "true")
        c("POST", "/api/v1/orders", t["integration"], dict(order, amount=1),
          headers={"Idempotency-Key": key})
        c("POST", "/api/v1/orders", t["integration"], order)
        c("POST", "/api/v1/orders", t["agent"], order)

        # The customer raises an enquiry; staff work on it.
        r = c("POST", "/api/v1/enquiries", t["customer"],
              {"order_id": oid, "category": "damaged", "subject": "Cracked",
               "message": "It arrived cracked."})
        self.assertEqual(r.status, 201, r)
        eid = r.json()["id"]
        c("POST", "/api/v1/enquiries", t["customer"],
          {"order_id": oid, "category": "damaged", "subject": "Again", "message": "Again."})
        c("POST", "/api/v1/enquiries/{id}/messages", t["agent"],
          {"body": "note", "audience": "internal"}, id=eid)
        c("POST", "/api/v1/enquiries/{id}/messages", t["customer"],
          {"body": "note", "audience": "internal"}, id=eid)
        me = c("GET", "/api/v1/me", t["agent"]).json()
        c("POST", "/api/v1/enquiries/{id}/assign", t["agent"], {"assignee_id": me["id"]}, id=eid)
        r = c("POST", "/api/v1/enquiries/{id}/vendor-requests", t["agent"],
              {"question": "Jane Doe says it is cracked. Photo?", "evidence": ["photo"]}, id=eid)
        self.assertEqual(r.status, 201, r)
        vid = r.json()["id"]
        c("POST", "/api/v1/enquiries/{id}/status", t["agent"], {"status": "resolved"}, id=eid)
        c("GET", "/api/v1/vendor-requests/{id}", t["vendor"], id=vid)
        c("GET", "/api/v1/vendor-requests", t["vendor"])
        body, ctype = harness.multipart({"text": "Photo attached."},
                                        [("files", "photo.png", harness.PNG, "image/png")])
        c("POST", "/api/v1/vendor-requests/{id}/answer", t["agent"], raw=body,
          content_type=ctype, id=vid)
        r = c("POST", "/api/v1/vendor-requests/{id}/answer", t["vendor"], raw=body,
              content_type=ctype, id=vid)
        self.assertEqual(r.status, 200, r)
        fid = r.json()["answer"]["files"][0]["id"]
        c("POST", "/api/v1/vendor-requests/{id}/answer", t["vendor"], {"text": "again"}, id=vid)
        for role in ("agent", "vendor", "vendor2", "customer", "integration"):
            c("GET", "/api/v1/attachments/{id}", t[role], id=fid)
            c("GET", "/api/v1/vendor-requests/{id}", t[role], id=vid)
            c("GET", "/api/v1/enquiries/{id}", t[role], id=eid)
        r = c("POST", "/api/v1/enquiries/{id}/vendor-requests", t["agent"],
              {"question": "Dispatch date?", "due_in_hours": 48}, id=eid)
        c("POST", "/api/v1/vendor-requests/{id}/cancel", t["agent"], id=r.json()["id"])
        c("POST", "/api/v1/vendor-requests/{id}/cancel", t["agent"], id=r.json()["id"])
        c("POST", "/api/v1/enquiries/{id}/messages", t["agent"],
          {"body": "Hi Jane Doe, a new one is on its way."}, id=eid)
        c("GET", "/api/v1/orders/{id}/replies", t["vendor"], id=oid)
        c("GET", "/api/v1/orders/{id}/replies", t["agent"], id=oid)
        c("POST", "/api/v1/enquiries/{id}/messages", t["customer"], {"body": "Thanks"}, id=eid)
        c("POST", "/api/v1/enquiries/{id}/status", t["agent"], {"status": "resolved"}, id=eid)
        c("POST", "/api/v1/enquiries/{id}/messages", t["customer"], {"body": "More"}, id=eid)
        c("POST", "/api/v1/enquiries/{id}/reopen", t["customer"], id=eid)
        c("POST", "/api/v1/enquiries/{id}/reopen", t["customer"], id=eid)
        c("POST", "/api/v1/enquiries/{id}/assign", t["agent"], {"assignee_id": None}, id=eid)
        c("GET", "/api/v1/enquiries", t["customer"])
        c("GET", "/api/v1/enquiries", t["agent"], query="sort=due&assignee=none")

        # Admin work: users, API tokens, sessions, the audit log, test hooks.
        r = c("POST", "/api/v1/users", t["admin"],
              {"email": "bot@oas.example", "name": "Bot", "role": "integration"})
        uid = r.json()["id"]
        c("POST", "/api/v1/users", t["admin"],
          {"email": "bot@oas.example", "name": "Bot", "role": "integration"})
        c("POST", "/api/v1/users", t["admin"],
          {"email": "v@oas.example", "name": "V", "role": "vendor", "vendor_id": 1,
           "password": "long enough password"})
        r = c("POST", "/api/v1/tokens", t["admin"], {"user_id": uid, "label": "spec"})
        token_id = r.json()["id"]
        c("GET", "/api/v1/sessions", r.json()["token"])
        c("GET", "/api/v1/sessions", t["admin"], query="user_id=%d" % uid)
        c("DELETE", "/api/v1/sessions/{id}", t["admin"], id=token_id)
        c("DELETE", "/api/v1/sessions/{id}", t["admin"], id=token_id)
        c("GET", "/api/v1/audit", t["admin"], query="object_type=enquiry&object_id=%d" % eid)
        c("POST", "/api/v1/_test/clock", t["admin"], {"advance_ms": 0})
        c("POST", "/api/v1/_test/clock", t["agent"], {"advance_ms": 0})
        c("POST", "/api/v1/_test/jobs", t["admin"])

        # Signing in and out, with the cookie and its CSRF token.
        r = c("POST", "/api/v1/auth/login", None,
              {"email": harness.AGENT2, "password": harness.PASSWORD})
        session = r.json()
        cookie = {"Cookie": "kapsule_session=" + session["token"]}
        c("GET", "/api/v1/me", headers=cookie)
        c("POST", "/api/v1/auth/logout", headers=cookie)
        c("POST", "/api/v1/auth/logout", headers=dict(cookie, **{"X-CSRF-Token":
                                                                 session["csrf_token"]}))
        c("POST", "/api/v1/auth/logout", headers=cookie)
        c("POST", "/api/v1/auth/login", None, {"email": harness.AGENT2, "password": "nope"})
        self.assertEqual(self.problems, [], "\n" + "\n".join(self.problems))


if __name__ == "__main__":
    unittest.main()
