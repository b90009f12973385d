/*
 * attachment.c - evidence files.  See attachment.h.
 */
#include "domain/attachment.h"

#include <string.h>

#include "base/crypto.h"
#include "base/utf8.h"
#include "domain/audit.h"

static const char SQL_FIND[] = "SELECT id FROM attachments WHERE sha256 = $1";
static const char SQL_INSERT[] =
    "INSERT INTO attachments (sha256, size, content_type, data, created_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char SQL_LINK[] =
    "INSERT INTO message_attachments (message_id, position, attachment_id, filename)"
    " VALUES ($1, $2, $3, $4)";
#define REF_COLS                                                                                   \
	"SELECT a.id, ma.message_id, ma.filename, a.content_type, a.sha256, a.size"                \
	" FROM message_attachments ma JOIN attachments a ON a.id = ma.attachment_id"
static const char SQL_LIST_ENQUIRY[] =
    REF_COLS " JOIN messages m ON m.id = ma.message_id WHERE m.enquiry_id = $1"
	     " ORDER BY ma.message_id, ma.position";
static const char SQL_LIST_ENQUIRY_AUDIENCE[] =
    REF_COLS " JOIN messages m ON m.id = ma.message_id WHERE m.enquiry_id = $1"
	     " AND m.audience = $2 ORDER BY ma.message_id, ma.position";
static const char SQL_LIST_MESSAGE[] = REF_COLS " WHERE ma.message_id = $1 ORDER BY ma.position";
static const char SQL_GET[] =
    "SELECT a.id, a.content_type, a.sha256, a.size, a.data FROM attachments a WHERE a.id = $1";
/* Links through which the principal may see the file. */
static const char SQL_VISIBLE_STAFF[] =
    "SELECT ma.filename FROM message_attachments ma WHERE ma.attachment_id = $1 LIMIT 1";
static const char SQL_VISIBLE_VENDOR[] =
    "SELECT ma.filename FROM message_attachments ma JOIN messages m ON m.id = ma.message_id"
    " JOIN vendor_requests r ON r.id = m.vendor_request_id"
    " WHERE ma.attachment_id = $1 AND m.audience = 'from_vendor' AND r.vendor_id = $2 LIMIT 1";
static const char SQL_VISIBLE_CUSTOMER[] =
    "SELECT ma.filename FROM message_attachments ma JOIN messages m ON m.id = ma.message_id"
    " JOIN enquiries e ON e.id = m.enquiry_id"
    " WHERE ma.attachment_id = $1 AND m.audience = 'customer' AND e.customer_id = $2 LIMIT 1";

/* Allowed types and the bytes they start with. */
static const struct {
	const char *type;
	size_t off;
	const char *magic;
	size_t len;
} types[] = {
    {"image/jpeg", 0, "\xFF\xD8\xFF", 3}, {"image/png", 0, "\x89PNG\r\n\x1A\n", 8},
    {"image/gif", 0, "GIF87a", 6},	  {"image/gif", 0, "GIF89a", 6},
    {"image/webp", 8, "WEBP", 4},	  {"application/pdf", 0, "%PDF-", 5},
};

const char *attachment_sniff(const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (n < types[i].off + types[i].len + 4)
			continue;
		if (memcmp(p + types[i].off, types[i].magic, types[i].len) != 0)
			continue;
		if (types[i].off == 8 && memcmp(p, "RIFF", 4) != 0)
			continue;
		return types[i].type;
	}
	return NULL;
}

/* A file name safe to store and offer back: no path, no controls, bounded. */
static const char *clean_name(struct dctx *c, const char *name, const char *type)
{
	const char *base = name ? name : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t n = strlen(base);
	if (!utf8_valid(base, n))
		n = 0;
	n = utf8_prefix(base, n, 200);
	char *out = arena_strndup(c->a, base, n);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F || *p == '"')
			*p = '_';
	if (!out[0] || strcmp(out, ".") == 0 || strcmp(out, "..") == 0) {
		const char *ext = strchr(type, '/') + 1;
		out = arena_printf(c->a, "file.%s", strcmp(ext, "jpeg") == 0 ? "jpg" : ext);
	}
	return out;
}

enum kerr attachment_attach(struct dctx *c, int64_t message_id, const struct upload *files,
			    int nfiles)
{
	if (nfiles > c->cfg->max_files)
		return err_set(c->e, KERR_LIMIT, "files", "at most %lld files",
			       (long long)c->cfg->max_files);
	for (int i = 0; i < nfiles; i++) {
		const struct upload *u = &files[i];
		const char *name = u->filename ? u->filename : "";
		if ((int64_t)u->size > c->cfg->max_file_bytes)
			return err_set(c->e, KERR_TOO_LARGE, "files",
				       "file '%s' is larger than %lld bytes", name,
				       (long long)c->cfg->max_file_bytes);
		const char *type = attachment_sniff(u->data, u->size);
		if (!type)
			return err_set(c->e, KERR_FILE_TYPE, "files",
				       "file '%s' is not a JPEG, PNG, GIF, WebP image or PDF",
				       name);
		char hash[SHA256_HEX_LEN + 1];
		crypto_sha256_hex(u->data, u->size, hash);
		int64_t att;
		enum kerr rc = db_one_i64(c->db, c->e, &att, SQL_FIND, DB_ARGS(hash));
		if (rc == KERR_NOT_FOUND) {
			rc = db_one_i64(c->db, c->e, &att, SQL_INSERT,
					DB_ARGS(hash, (int64_t)u->size, type,
						db_blob(u->data, u->size), c->now));
			if (!rc)
				rc = audit_append(c, "attachment.store", "attachment", att,
						  json_pack("{s:s,s:I,s:s}", "sha256", hash, "size",
							    (json_int_t)u->size, "type", type));
		}
		if (rc)
			return rc;
		const char *clean = clean_name(c, u->filename, type);
		if ((rc = db_exec(c->db, c->e, SQL_LINK,
				  DB_ARGS(message_id, (int64_t)i, att, clean))))
			return rc;
	}
	return KERR_OK;
}

static enum kerr list_refs(struct dctx *c, struct db_stmt *st, struct attachment_ref **out, int *n)
{
	int cap = 8, r;
	*out = arena_calloc(c->a, (size_t)cap, sizeof(**out));
	*n = 0;
	while ((r = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			struct attachment_ref *bigger =
			    arena_calloc(c->a, (size_t)cap * 2, sizeof(**out));
			memcpy(bigger, *out, (size_t)cap * sizeof(**out));
			*out = bigger;
			cap *= 2;
		}
		struct attachment_ref *a = &(*out)[(*n)++];
		a->id = db_col_i64(st, 0);
		a->message_id = db_col_i64(st, 1);
		a->filename = dom_col_str(c, st, 2);
		a->content_type = dom_col_str(c, st, 3);
		a->sha256 = dom_col_str(c, st, 4);
		a->size = db_col_i64(st, 5);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr attachment_list_enquiry(struct dctx *c, int64_t enquiry_id, const char *audience,
				  struct attachment_ref **out, int *n)
{
	struct db_stmt *st =
	    db_prep(c->db, audience ? SQL_LIST_ENQUIRY_AUDIENCE : SQL_LIST_ENQUIRY);
	if (!st)
		return dom_db_err(c);
	if (audience)
		db_bind(st, DB_ARGS(enquiry_id, audience));
	else
		db_bind(st, DB_ARGS(enquiry_id));
	return list_refs(c, st, out, n);
}

enum kerr attachment_list_message(struct dctx *c, int64_t message_id, struct attachment_ref **out,
				  int *n)
{
	struct db_stmt *st = db_prep(c->db, SQL_LIST_MESSAGE);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(message_id));
	return list_refs(c, st, out, n);
}

enum kerr attachment_get(struct dctx *c, int64_t id, struct attachment *out)
{
	enum kerr rc = dom_require(c, ROLE_CUSTOMER | ROLE_VENDOR | ROLES_STAFF);
	if (rc)
		return rc;
	const char *sql = SQL_VISIBLE_STAFF;
	int64_t owner = 0;
	if (c->who->role == ROLE_VENDOR)
		sql = SQL_VISIBLE_VENDOR, owner = c->who->vendor_id;
	else if (c->who->role == ROLE_CUSTOMER)
		sql = SQL_VISIBLE_CUSTOMER, owner = c->who->customer_id;
	struct db_stmt *st = db_prep(c->db, sql);
	if (!st)
		return dom_db_err(c);
	if (sql == SQL_VISIBLE_STAFF)
		db_bind(st, DB_ARGS(id));
	else
		db_bind(st, DB_ARGS(id, owner));
	int r = db_step(st);
	const char *filename = r == DB_ROW ? dom_col_str(c, st, 0) : NULL;
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE)
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such file");
	if (!(st = db_prep(c->db, SQL_GET)))
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id));
	r = db_step(st);
	if (r == DB_ROW) {
		memset(out, 0, sizeof(*out));
		out->ref.id = db_col_i64(st, 0);
		out->ref.filename = filename;
		out->ref.content_type = dom_col_str(c, st, 1);
		out->ref.sha256 = dom_col_str(c, st, 2);
		out->ref.size = db_col_i64(st, 3);
		size_t n = db_col_len(st, 4);
		void *data = arena_alloc(c->a, n ? n : 1);
		if (n)
			memcpy(data, db_col_blob(st, 4), n);
		out->data = data;
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	return r == DB_ROW ? KERR_OK : err_set(c->e, KERR_NOT_FOUND, "id", "no such file");
}
