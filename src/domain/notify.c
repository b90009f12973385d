/*
 * notify.c - notifications and the mail outbox.  See notify.h.
 */
#include "domain/notify.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"

/* A notification for each recipient, in one statement: the recipients' SELECT follows. */
#define NOTE_INSERT                                                                                \
	"INSERT INTO notifications (user_id, kind, subject, body, link, object_type, object_id,"   \
	" created_at) SELECT u.id, $2, $3, $4, $5, $6, $7, $8"
/* Each recipient set: the statement alone, and with the rows it made (for e-mail). */
#define TO_USER NOTE_INSERT " FROM users u WHERE u.id = $1 AND u.disabled = 0"
/* Recipients are few (the users of one vendor); more than 64 are not told. */
#define TO_VENDOR                                                                                  \
	NOTE_INSERT                                                                                \
	" FROM users u WHERE u.vendor_id = $1 AND u.role = 'vendor' AND u.disabled = 0"            \
	" ORDER BY u.id LIMIT 64"
#define TO_CUSTOMER                                                                                \
	NOTE_INSERT " FROM customers c JOIN users u ON u.id = c.user_id WHERE c.id = $1"           \
		    " AND u.disabled = 0"
#define MADE " RETURNING id, user_id"
struct recipients {
	const char *sql, *sql_made;
};
static const struct recipients TO_USER_SQL = {TO_USER, TO_USER MADE};
static const struct recipients TO_VENDOR_SQL = {TO_VENDOR, TO_VENDOR MADE};
static const struct recipients TO_CUSTOMER_SQL = {TO_CUSTOMER, TO_CUSTOMER MADE};
static const char SQL_OUTBOX[] =
    "INSERT INTO mail_outbox (notification_id, to_addr, state, next_attempt_at, created_at)"
    " SELECT $1, email, 'pending', $2, $2 FROM users WHERE id = $3 AND email <> ''";
#define NOTE_COLS                                                                                  \
	"SELECT id, kind, subject, body, link, object_type, object_id, created_at, read_at"        \
	" FROM notifications"
static const char SQL_LIST[] =
    NOTE_COLS " WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3";
static const char SQL_LIST_UNREAD[] =
    NOTE_COLS " WHERE user_id = $1 AND id < $2 AND read_at IS NULL ORDER BY id DESC LIMIT $3";
static const char SQL_UNREAD[] =
    "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL";
/* Only the owner's: anyone else's is not found. */
static const char SQL_READ[] =
    "UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2"
    " RETURNING id, kind, subject, body, link, object_type, object_id, created_at, read_at";
static const char SQL_READ_ALL[] = "UPDATE notifications SET read_at = $3 WHERE user_id = $1"
				   " AND read_at IS NULL AND id <= $2 RETURNING id";

#define MAX_RECIPIENTS 64

static enum kerr notify_each(struct dctx *c, const struct recipients *to, int64_t key,
			     const struct notice *n)
{
	/* Without e-mail nothing waits for the rows made: the statement goes with the next. */
	if (!c->cfg->smtp_url[0])
		return db_exec_later(c->db, c->e, to->sql,
				     DB_ARGS(key, n->kind, n->subject, n->body, n->link,
					     n->object_type, n->object_id, c->now));
	struct db_stmt *st = db_prep(c->db, to->sql_made);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(key, n->kind, n->subject, n->body, n->link, n->object_type,
			    n->object_id, c->now));
	int64_t ids[MAX_RECIPIENTS], users[MAX_RECIPIENTS];
	int count = 0, r = DB_DONE;
	while ((r = db_step(st)) == DB_ROW)
		if (count < MAX_RECIPIENTS) {
			ids[count] = db_col_i64(st, 0);
			users[count++] = db_col_i64(st, 1);
		}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	enum kerr rc = KERR_OK;
	for (int i = 0; i < count && !rc; i++)
		rc = db_exec_later(c->db, c->e, SQL_OUTBOX, DB_ARGS(ids[i], c->now, users[i]));
	return rc;
}

enum kerr notify_user(struct dctx *c, int64_t user_id, const struct notice *n)
{
	return notify_each(c, &TO_USER_SQL, user_id, n);
}

enum kerr notify_vendor(struct dctx *c, int64_t vendor_id, const struct notice *n)
{
	return notify_each(c, &TO_VENDOR_SQL, vendor_id, n);
}

enum kerr notify_customer(struct dctx *c, int64_t customer_id, const struct notice *n)
{
	return notify_each(c, &TO_CUSTOMER_SQL, customer_id, n);
}

static void read_note(struct dctx *c, struct db_stmt *st, struct notification *o)
{
	o->id = db_col_i64(st, 0);
	o->kind = dom_col_str(c, st, 1);
	o->subject = dom_col_str(c, st, 2);
	o->body = dom_col_str(c, st, 3);
	o->link = dom_col_str(c, st, 4);
	o->object_type = dom_col_str(c, st, 5);
	o->object_id = db_col_i64(st, 6);
	o->created_at = db_col_i64(st, 7);
	o->read_at = db_col_i64(st, 8);
}

/* Anyone signed in as a user has notifications; the program and anonymous callers do not. */
static enum kerr require_user(struct dctx *c)
{
	return dom_require(c, ROLE_CUSTOMER | ROLE_VENDOR | ROLES_STAFF | ROLE_INTEGRATION);
}

enum kerr notify_list(struct dctx *c, int64_t before, int unread_only, int limit,
		      struct notification **out, int *n, int64_t *unread)
{
	enum kerr rc = require_user(c);
	if (rc || (rc = db_one_i64(c->db, c->e, unread, SQL_UNREAD, DB_ARGS(c->who->user_id))))
		return rc;
	struct db_stmt *st = db_prep(c->db, unread_only ? SQL_LIST_UNREAD : SQL_LIST);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(c->who->user_id, before ? before : INT64_MAX, (int64_t)limit));
	*out = arena_calloc(c->a, (size_t)limit, sizeof(**out));
	*n = 0;
	int r = DB_DONE;
	while (*n < limit && (r = db_step(st)) == DB_ROW)
		read_note(c, st, &(*out)[(*n)++]);
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

enum kerr notify_read(struct dctx *c, int64_t id, struct notification *out)
{
	memset(out, 0, sizeof(*out));
	enum kerr rc = require_user(c);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_READ);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id, c->who->user_id, c->now));
	int r = db_step(st);
	if (r == DB_ROW)
		read_note(c, st, out);
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	return r == DB_ROW ? KERR_OK : err_set(c->e, KERR_NOT_FOUND, "id", "no such notification");
}

enum kerr notify_read_all(struct dctx *c, int64_t up_to, int64_t *count)
{
	*count = 0;
	enum kerr rc = require_user(c);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_READ_ALL);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(c->who->user_id, up_to, c->now));
	int r;
	while ((r = db_step(st)) == DB_ROW)
		(*count)++;
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

/* ---- the mail outbox ---- */

static const char SQL_MAIL[] =
    "SELECT m.to_addr, m.state, n.subject, n.body, n.link, u.name FROM mail_outbox m"
    " JOIN notifications n ON n.id = m.notification_id JOIN users u ON u.id = n.user_id"
    " WHERE m.id = $1";

static void read_mail(struct dctx *c, struct db_stmt *st, void *arg)
{
	struct mail *out = arg;
	out->to = dom_col_str(c, st, 0);
	out->pending = strcmp(db_col_text(st, 1), "pending") == 0;
	out->subject = arena_printf(c->a, "[%s] %s", c->cfg->operator_name, db_col_text(st, 2));
	out->text = arena_printf(c->a,
				 "Hello %s,\n\n%s\n\nOpen it in %s Front Desk:\n%s%s\n\n-- \n"
				 "This message was sent by %s Front Desk. Please answer there;"
				 " replies to this address are not read.\n",
				 db_col_text(st, 5), db_col_text(st, 3), c->cfg->operator_name,
				 c->cfg->public_url, db_col_text(st, 4), c->cfg->operator_name);
}

enum kerr mail_load(struct dctx *c, int64_t id, struct mail *out)
{
	memset(out, 0, sizeof(*out));
	out->id = id;
	int found = 0;
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	if (rc || (rc = dom_fetch(c, SQL_MAIL, id, read_mail, out, &found)))
		return rc;
	return found ? KERR_OK : err_set(c->e, KERR_NOT_FOUND, "id", "no such e-mail");
}
