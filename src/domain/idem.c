/*
 * idem.c - stored answers for idempotent retries.  See idem.h.
 */
#include "domain/idem.h"

#include <string.h>

static const char SQL_FIND[] =
    "SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2"
    " AND created_at > $3";
static const char SQL_STORE[] =
    "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, key) DO UPDATE SET"
    " request_hash = excluded.request_hash, status = excluded.status, body = excluded.body,"
    " created_at = excluded.created_at";
static const char SQL_PURGE[] = "DELETE FROM idempotency_keys WHERE created_at <= $1";
static const char SQL_COUNT_OLD[] = "SELECT COUNT(*) FROM idempotency_keys WHERE created_at <= $1";

enum kerr idem_lookup(struct dctx *c, const char *key, const char *request_hash,
		      struct idem_hit *hit)
{
	memset(hit, 0, sizeof(*hit));
	struct db_stmt *st = db_prep(c->db, SQL_FIND);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(c->who->user_id, key, c->now - IDEM_KEEP_MS));
	int r = db_step(st);
	enum kerr rc = KERR_OK;
	if (r == DB_ROW) {
		if (strcmp(db_col_text(st, 0), request_hash) != 0) {
			rc = err_set(c->e, KERR_IDEM_MISMATCH, "Idempotency-Key", NULL);
		} else {
			hit->found = 1;
			hit->status = (int)db_col_i64(st, 1);
			hit->body = dom_col_str(c, st, 2);
		}
	} else if (r == DB_ERROR) {
		rc = dom_db_err(c);
	}
	db_done(st);
	return rc;
}

enum kerr idem_store(struct dctx *c, const char *key, const char *request_hash, int status,
		     const char *body)
{
	return db_exec(c->db, c->e, SQL_STORE,
		       DB_ARGS(c->who->user_id, key, request_hash, (int64_t)status, body, c->now));
}

enum kerr idem_purge(struct dctx *c, int64_t *n)
{
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc)
		return rc;
	int64_t cutoff = c->now - IDEM_KEEP_MS;
	if ((rc = db_one_i64(c->db, c->e, n, SQL_COUNT_OLD, DB_ARGS(cutoff))))
		return rc;
	return *n ? db_exec(c->db, c->e, SQL_PURGE, DB_ARGS(cutoff)) : KERR_OK;
}
