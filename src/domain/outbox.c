/*
 * outbox.c - the outboxes' shared bookkeeping.  See outbox.h.
 */
#include "domain/outbox.h"

#include <stdio.h>
#include <string.h>

#define CLAIM(table)                                                                               \
	"UPDATE " table " SET claimed_until = $1 WHERE id IN (SELECT id FROM " table               \
	" WHERE next_attempt_at <= $2 AND claimed_until < $2 ORDER BY next_attempt_at, id"         \
	" LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id"
#define LOCK(table) "SELECT state, attempts FROM " table " WHERE id = $1 FOR UPDATE"
#define SENT(table)                                                                                \
	"UPDATE " table " SET state = 'sent', attempts = attempts + 1, sent_at = $2,"              \
	" next_attempt_at = NULL, claimed_until = 0, last_error = '' WHERE id = $1"
#define RETRY(table)                                                                               \
	"UPDATE " table " SET state = $2, attempts = attempts + $5, next_attempt_at = $3,"         \
	" claimed_until = 0, last_error = $4 WHERE id = $1"
#define RELEASE(table) "UPDATE " table " SET claimed_until = 0 WHERE id = $1 AND claimed_until = $2"
#define RENEW(table)                                                                               \
	"UPDATE " table " SET claimed_until = $3 WHERE id = $1 AND claimed_until = $2"             \
	" AND state = 'pending' RETURNING id"

const char *const outbox_sql_claim[2] = {CLAIM("mail_outbox"), CLAIM("webhook_outbox")};
static const char *const sql_lock[2] = {LOCK("mail_outbox"), LOCK("webhook_outbox")};
static const char *const sql_sent[2] = {SENT("mail_outbox"), SENT("webhook_outbox")};
static const char *const sql_retry[2] = {RETRY("mail_outbox"), RETRY("webhook_outbox")};
static const char *const sql_renew[2] = {RENEW("mail_outbox"), RENEW("webhook_outbox")};
static const char *const sql_release[2] = {RELEASE("mail_outbox"), RELEASE("webhook_outbox")};

/* The wait after the n-th failed try (n >= 1): 1, 2, 4, ... 32 minutes, then an hour. */
static int64_t backoff_ms(int64_t n)
{
	return (n >= 7 ? 60 : (int64_t)1 << (n - 1)) * 60000;
}

enum kerr outbox_renew(struct dctx *c, enum outbox o, int64_t id, int64_t held, int64_t until,
		       int *ok)
{
	int64_t got;
	*ok = 0;
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc || (rc = db_one_i64(c->db, c->e, &got, sql_renew[o], DB_ARGS(id, held, until))))
		return rc == KERR_NOT_FOUND ? KERR_OK : rc;
	*ok = 1;
	return KERR_OK;
}

enum kerr outbox_release(struct dctx *c, enum outbox o, const int64_t *ids, int n, int64_t held)
{
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	for (int i = 0; i < n && !rc; i++)
		rc = db_exec(c->db, c->e, sql_release[o], DB_ARGS(ids[i], held));
	return rc;
}

enum kerr outbox_result(struct dctx *c, enum outbox o, int64_t id, enum outbox_outcome how,
			const char *error, int *failed)
{
	*failed = 0;
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, sql_lock[o]);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id));
	int r = db_step(st);
	int pending = r == DB_ROW && strcmp(db_col_text(st, 0), "pending") == 0;
	int64_t attempts = r == DB_ROW ? db_col_i64(st, 1) + 1 : 0;
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (!pending)
		return KERR_OK; /* settled by another scheduler meanwhile */
	if (how == OUTBOX_SENT)
		return db_exec(c->db, c->e, sql_sent[o], DB_ARGS(id, c->now));
	int counted = how != OUTBOX_UNREACHABLE;
	*failed = how == OUTBOX_REJECTED || (counted && attempts >= OUTBOX_MAX_ATTEMPTS);
	char why[256];
	snprintf(why, sizeof(why), "%s", error ? error : "");
	int64_t next = c->now + (counted ? backoff_ms(attempts) : 60000);
	return db_exec(c->db, c->e, sql_retry[o],
		       DB_ARGS(id, *failed ? "failed" : "pending",
			       *failed ? db_optid(0) : db_arg_int(next), why, (int64_t)counted));
}
