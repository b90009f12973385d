/*
 * audit.c - appending to, listing and verifying the hash-chained audit log.
 *
 * hash = SHA-256 of the previous hash and the event's fields joined by
 * newlines (no field but the summary can hold a newline, and the summary is
 * compact JSON, which escapes them).  The first event's previous hash is
 * 64 zeros.
 */
#include "domain/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/crypto.h"

static const char SQL_LAST_HASH[] = "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1";
static const char SQL_INSERT[] =
    "INSERT INTO audit_events (at, actor_id, actor_role, action, object_type, object_id,"
    " summary, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
static const char SQL_ALL[] =
    "SELECT id, at, actor_id, actor_role, action, object_type, object_id, summary,"
    " prev_hash, hash FROM audit_events WHERE id > $1 ORDER BY id LIMIT 1000";
static const char SQL_LIST[] =
    "SELECT id, at, actor_id, actor_role, action, object_type, object_id, summary, hash"
    " FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2";
static const char SQL_LIST_OBJECT[] =
    "SELECT id, at, actor_id, actor_role, action, object_type, object_id, summary, hash"
    " FROM audit_events WHERE object_type = $1 AND object_id = $2 AND id > $3"
    " ORDER BY id LIMIT $4";

static const char ZERO_HASH[] = "0000000000000000000000000000000000000000000000000000000000000000";

static void event_hash(const char *prev, int64_t at, int64_t actor, const char *role,
		       const char *action, const char *otype, int64_t oid, const char *summary,
		       char out[SHA256_HEX_LEN + 1])
{
	struct buf b;
	buf_init(&b, 0);
	buf_printf(&b, "%s\n%lld\n%lld\n%s\n%s\n%s\n%lld\n%s", prev, (long long)at,
		   (long long)actor, role, action, otype, (long long)oid, summary);
	crypto_sha256_hex(b.data, b.len, out);
	buf_free(&b);
}

enum kerr audit_append(struct dctx *c, const char *action, const char *object_type,
		       int64_t object_id, json_t *summary)
{
	const char *text = dom_json_text(c, summary, 1);
	json_decref(summary);
	char prev[SHA256_HEX_LEN + 1];
	/* The last hash is read once per write transaction: the writers of every
	 * process take turns (db.c), and the memo goes when a write rolls back. */
	const char *kept = db_memo(c->db);
	if (kept) {
		snprintf(prev, sizeof(prev), "%s", kept);
	} else {
		struct db_stmt *st = db_prep(c->db, SQL_LAST_HASH);
		if (!st)
			return dom_db_err(c);
		int r = db_step(st);
		if (r == DB_ROW)
			snprintf(prev, sizeof(prev), "%s", db_col_text(st, 0));
		else
			memcpy(prev, ZERO_HASH, sizeof(prev));
		db_done(st);
		if (r == DB_ERROR)
			return dom_db_err(c);
	}
	const char *role = role_name(c->who->role);
	char hash[SHA256_HEX_LEN + 1];
	event_hash(prev, c->now, c->who->user_id, role, action, object_type, object_id, text, hash);
	enum kerr rc = db_exec_later(c->db, c->e, SQL_INSERT,
				     DB_ARGS(c->now, db_optid(c->who->user_id), role, action,
					     object_type, object_id, text, prev, hash));
	if (!rc)
		db_set_memo(c->db, hash);
	return rc;
}

enum kerr audit_list(struct dctx *c, const char *object_type, int64_t object_id, int64_t after,
		     int limit, struct audit_event **out, int *n)
{
	enum kerr rc = dom_require(c, ROLE_ADMIN);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, object_type ? SQL_LIST_OBJECT : SQL_LIST);
	if (!st)
		return dom_db_err(c);
	if (object_type)
		db_bind(st, DB_ARGS(object_type, object_id, after, (int64_t)limit));
	else
		db_bind(st, DB_ARGS(after, (int64_t)limit));
	*out = arena_calloc(c->a, (size_t)limit, sizeof(**out));
	*n = 0;
	int r = DB_DONE;
	while ((r = db_step(st)) == DB_ROW && *n < limit) {
		struct audit_event *ev = &(*out)[(*n)++];
		ev->id = db_col_i64(st, 0);
		ev->at = db_col_i64(st, 1);
		ev->actor_id = db_col_i64(st, 2);
		ev->actor_role = dom_col_str(c, st, 3);
		ev->action = dom_col_str(c, st, 4);
		ev->object_type = dom_col_str(c, st, 5);
		ev->object_id = db_col_i64(st, 6);
		ev->summary = dom_col_str(c, st, 7);
		ev->hash = dom_col_str(c, st, 8);
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

struct verify {
	int64_t *count, *bad_id;
	enum kerr verdict; /* KERR_OK or KERR_CONFLICT */
};

static enum kerr verify_chain(struct db *db, void *arg)
{
	struct verify *v = arg;
	int64_t *count = v->count, *bad_id = v->bad_id;
	char prev[SHA256_HEX_LEN + 1];
	memcpy(prev, ZERO_HASH, sizeof(prev));
	int64_t last = 0;
	*count = 0;
	*bad_id = 0;
	v->verdict = KERR_OK;
	for (;;) {
		struct db_stmt *st = db_prep(db, SQL_ALL);
		if (!st)
			return KERR_DB;
		db_bind(st, DB_ARGS(last));
		int r, rows = 0;
		while ((r = db_step(st)) == DB_ROW) {
			rows++;
			last = db_col_i64(st, 0);
			const char *stored_prev = db_col_text(st, 8);
			const char *stored = db_col_text(st, 9);
			char want[SHA256_HEX_LEN + 1];
			const char *role = db_col_text(st, 3);
			const char *action = db_col_text(st, 4);
			const char *otype = db_col_text(st, 5);
			const char *summary = db_col_text(st, 7);
			event_hash(prev, db_col_i64(st, 1), db_col_i64(st, 2), role ? role : "",
				   action ? action : "", otype ? otype : "", db_col_i64(st, 6),
				   summary ? summary : "", want);
			if (!stored_prev || !stored || strcmp(stored_prev, prev) != 0 ||
			    strcmp(stored, want) != 0) {
				*bad_id = last;
				db_done(st);
				v->verdict = KERR_CONFLICT;
				return KERR_OK;
			}
			memcpy(prev, stored, sizeof(prev));
			(*count)++;
		}
		db_done(st);
		if (r == DB_ERROR)
			return KERR_DB;
		if (rows == 0)
			return KERR_OK;
	}
}

enum kerr audit_verify(struct db_pool *pool, int64_t *count, int64_t *bad_id)
{
	struct verify v = {count, bad_id, KERR_OK};
	enum kerr rc = db_read(pool, verify_chain, &v);
	return rc ? rc : v.verdict;
}
