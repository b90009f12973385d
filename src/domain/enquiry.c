/*
 * enquiry.c - enquiries and their states.  See enquiry.h.
 *
 * Transitions an agent may set (rows: from, columns: to):
 *
 *                      open  awaiting_customer  resolved  closed
 *   open                 -          yes            yes      -
 *   awaiting_vendor      -           -              -       -    (vendor requests decide)
 *   awaiting_customer   yes          -             yes      -
 *   resolved            yes          -              -      yes
 *   closed               -           -              -       -
 *
 * awaiting_vendor is never set by hand: a vendor request sets it and the
 * last open one to end clears it, so an agent cancels requests first.
 */
#include "domain/enquiry.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/audit.h"
#include "domain/message.h"

const char *const enquiry_categories[] = {
    "not_received", "damaged", "wrong_item", "return_refund", "product_question", "other", NULL};
const char *const enquiry_statuses[] = {"open",	    "awaiting_vendor", "awaiting_customer",
					"resolved", "closed",	       NULL};

static const struct {
	const char *from, *to;
} allowed[] = {
    {"open", "awaiting_customer"},     {"open", "resolved"}, {"awaiting_customer", "open"},
    {"awaiting_customer", "resolved"}, {"resolved", "open"}, {"resolved", "closed"},
};

static const char SQL_ORDER_OWNER[] =
    "SELECT o.customer_id, o.vendor_id, o.number, v.shop_name,"
    " c.first_name || ' ' || c.last_name FROM orders o JOIN vendors v ON v.id = o.vendor_id"
    " JOIN customers c ON c.id = o.customer_id WHERE o.id = $1";
static const char SQL_ACTIVE_ON_ORDER[] =
    "SELECT id FROM enquiries WHERE order_id = $1 AND active = 1 LIMIT 1";
static const char SQL_INSERT[] =
    "INSERT INTO enquiries (order_id, customer_id, vendor_id, order_number, shop_name,"
    " customer_name, category, subject, status, active, created_at, updated_at,"
    " last_message_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', 1, $9, $9, $9)"
    " RETURNING id";
static const char SQL_LOAD[] =
    "SELECT id, order_id, customer_id, vendor_id, status, resolved_at, order_number,"
    " reply_due_at, reply_left_ms, first_reply_at, priority FROM enquiries WHERE id = $1"
    " FOR UPDATE";
/* One table, no joins: the queue's names are copies kept on the row. */
#define ENQ_COLS                                                                                   \
	"SELECT e.id, e.order_id, e.customer_id, e.vendor_id, e.category, e.subject, e.status,"    \
	" e.priority, e.assignee_id, e.assignee_name, e.escalated, e.due_at, e.message_count,"     \
	" e.created_at, e.updated_at, e.last_message_at, e.resolved_at, e.closed_at,"              \
	" e.order_number, e.shop_name, e.customer_name, e.customer_message_count,"                 \
	" e.customer_last_message_at, e.queue, e.reply_due_at, e.reply_left_ms,"                   \
	" e.reply_breaches, e.first_reply_at FROM enquiries e"
static const char SQL_GET[] = ENQ_COLS " WHERE e.id = $1";
/* Lists read only what a list row shows (see read_summary). */
#define QUEUE_COLS                                                                                 \
	"SELECT e.id, e.category, e.subject, e.status, e.priority, e.assignee_id,"                 \
	" e.assignee_name, e.escalated, e.due_at, e.message_count, e.created_at,"                  \
	" e.last_message_at, e.order_number, e.shop_name, e.customer_name, e.resolved_at,"         \
	" e.reply_due_at, e.reply_left_ms FROM enquiries e"
static const char SQL_LIST_CUSTOMER[] =
    "SELECT e.id, e.category, e.subject, e.status, e.customer_message_count, e.created_at,"
    " e.customer_last_message_at, e.order_number, e.shop_name, e.resolved_at"
    " FROM enquiries e WHERE e.customer_id = $1 AND e.id < $2 ORDER BY e.id DESC LIMIT $3";
static const char SQL_SET_STATUS[] =
    "UPDATE enquiries SET status = $2, active = $3, updated_at = $4,"
    " resolved_at = CASE WHEN $2 = 'resolved' THEN $4 WHEN $2 = 'open' THEN NULL"
    " ELSE resolved_at END,"
    " closed_at = CASE WHEN $2 = 'closed' THEN $4 ELSE NULL END,"
    " reply_due_at = $5, reply_left_ms = $6 WHERE id = $1";
static const char SQL_ASSIGNEE_ROLE[] =
    "SELECT role, name FROM users WHERE id = $1 AND disabled = 0";
static const char SQL_ASSIGN[] =
    "UPDATE enquiries SET assignee_id = $2, assignee_name = $3, updated_at = $4 WHERE id = $1";
static const char SQL_RENAME_SHOP[] =
    "UPDATE enquiries SET shop_name = $2 WHERE vendor_id = $1 AND shop_name <> $2";
static const char SQL_RENAME_CUSTOMER[] =
    "UPDATE enquiries SET customer_name = $2 WHERE customer_id = $1 AND customer_name <> $2";
static const char SQL_CURRENT_ASSIGNEE[] = "SELECT assignee_id FROM enquiries WHERE id = $1";
static const char SQL_NOTE_MESSAGE[] =
    "UPDATE enquiries SET message_count = message_count + 1, last_message_at = $2,"
    " customer_message_count = customer_message_count + $3,"
    " customer_last_message_at = CASE WHEN $3 = 1 THEN $2 ELSE customer_last_message_at END,"
    " updated_at = $2 WHERE id = $1";
static const char SQL_OPEN_REQUESTS[] = "SELECT COUNT(*), MIN(due_at) FROM vendor_requests"
					" WHERE enquiry_id = $1 AND state IN ('open', 'overdue')";
static const char SQL_SET_DUE[] = "UPDATE enquiries SET due_at = $2 WHERE id = $1";
static const char SQL_EXPIRED[] =
    "SELECT id FROM enquiries WHERE status = 'resolved' AND resolved_at <= $1"
    " ORDER BY resolved_at LIMIT 500";

#define NO_DUE INT64_MAX

static int is_active(const char *status)
{
	return strcmp(status, "open") == 0 || strcmp(status, "awaiting_vendor") == 0 ||
	       strcmp(status, "awaiting_customer") == 0;
}

const char *enquiry_status_for(enum view v, const char *status)
{
	if (v == VIEW_CUSTOMER && status && strcmp(status, "awaiting_vendor") == 0)
		return "open";
	return status;
}

static int64_t reopen_window_ms(const struct dctx *c)
{
	return c->cfg->reopen_window_days * 86400000LL;
}

enum kerr enquiry_load(struct dctx *c, int64_t id, struct enquiry_row *row)
{
	memset(row, 0, sizeof(*row));
	struct db_stmt *st = db_prep(c->db, SQL_LOAD);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(id));
	int r = db_step(st);
	if (r == DB_ROW) {
		row->id = db_col_i64(st, 0);
		row->order_id = db_col_i64(st, 1);
		row->customer_id = db_col_i64(st, 2);
		row->vendor_id = db_col_i64(st, 3);
		snprintf(row->status, sizeof(row->status), "%s", db_col_text(st, 4));
		row->resolved_at = db_col_i64(st, 5);
		snprintf(row->order_number, sizeof(row->order_number), "%s",
			 db_col_text(st, 6) ? db_col_text(st, 6) : "");
		row->reply_due = db_col_i64(st, 7);
		row->reply_paused = !db_col_null(st, 8);
		row->reply_left = db_col_i64(st, 8);
		row->answered_before = !db_col_null(st, 9);
		snprintf(row->priority, sizeof(row->priority), "%s",
			 db_col_text(st, 10) ? db_col_text(st, 10) : "");
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	int visible = r == DB_ROW &&
		      (dom_is_staff(c) ||
		       (c->who->role == ROLE_CUSTOMER && row->customer_id == c->who->customer_id) ||
		       (c->who->role == ROLE_VENDOR && row->vendor_id == c->who->vendor_id));
	if (!visible)
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such enquiry");
	return KERR_OK;
}

/* ---- the operator's clock ----
 *
 * Worked out from the loaded row (enquiry_load) and written with the change
 * that moves it: the status (set_status) or the message (clock_owe,
 * clock_replied), the row kept in step. */

static const char SQL_CLOCK_SET[] =
    "UPDATE enquiries SET reply_due_at = $2, reply_left_ms = $3 WHERE id = $1";
static const char SQL_CLOCK_REPLIED[] =
    "UPDATE enquiries SET reply_due_at = $2, reply_left_ms = NULL,"
    " first_reply_at = COALESCE(first_reply_at, $3), reply_breaches = reply_breaches + $4"
    " WHERE id = $1";

/* The paused clock's time left as a value to bind: NULL while running or off. */
static struct db_arg clock_left(const struct enquiry_row *row)
{
	return row->reply_paused ? db_arg_int(row->reply_left) : db_arg_null(NULL);
}

/* The clock in row once its status is `to`: running while open, stopped while waiting
 * (keeping the time left), off once settled. */
static void clock_follow(const struct dctx *c, struct enquiry_row *row, const char *to)
{
	if (strcmp(to, "open") == 0 && row->reply_paused) {
		row->reply_due = c->now + row->reply_left;
		row->reply_paused = 0;
	} else if (strcmp(to, "open") != 0 && is_active(to) && row->reply_due != NO_DUE) {
		row->reply_left = row->reply_due - c->now;
		row->reply_paused = 1;
		row->reply_due = NO_DUE;
	} else if (!is_active(to)) {
		row->reply_due = NO_DUE;
		row->reply_paused = 0;
	}
}

/* The customer wrote: a reply is owed from now, unless one is owed already. */
static enum kerr clock_owe(struct dctx *c, struct enquiry_row *row)
{
	if (row->reply_due != NO_DUE || row->reply_paused)
		return KERR_OK;
	int64_t span =
	    (row->answered_before ? c->cfg->next_reply_hours : c->cfg->first_reply_hours) * 3600000;
	if (strcmp(row->status, "open") == 0)
		row->reply_due = c->now + span;
	else
		row->reply_paused = 1, row->reply_left = span;
	return db_exec_later(c->db, c->e, SQL_CLOCK_SET,
			     DB_ARGS(row->id, row->reply_due, clock_left(row)));
}

/* The operator replied to the customer: the owed reply is given, in time or late. */
static enum kerr clock_replied(struct dctx *c, struct enquiry_row *row)
{
	int late = row->reply_paused ? row->reply_left < 0
				     : row->reply_due != NO_DUE && c->now > row->reply_due;
	int64_t by = row->reply_paused ? -row->reply_left : c->now - row->reply_due;
	row->reply_due = NO_DUE;
	row->reply_paused = 0;
	row->answered_before = 1;
	enum kerr rc = db_exec_later(c->db, c->e, SQL_CLOCK_REPLIED,
				     DB_ARGS(row->id, NO_DUE, c->now, (int64_t)late));
	if (rc || !late)
		return rc;
	return audit_append(c, "enquiry.reply_late", "enquiry", row->id,
			    json_pack("{s:I}", "late_ms", (json_int_t)by));
}

/* Stores a status change with its audit event. */
static enum kerr set_status(struct dctx *c, struct enquiry_row *row, const char *to,
			    const char *action)
{
	clock_follow(c, row, to);
	enum kerr rc = db_exec_later(
	    c->db, c->e, SQL_SET_STATUS,
	    DB_ARGS(row->id, to, (int64_t)is_active(to), c->now, row->reply_due, clock_left(row)));
	if (rc)
		return rc;
	rc = audit_append(c, action, "enquiry", row->id,
			  json_pack("{s:[s,s]}", "status", row->status, to));
	snprintf(row->status, sizeof(row->status), "%s", to);
	if (strcmp(to, "resolved") == 0)
		row->resolved_at = c->now;
	return rc;
}

enum kerr enquiry_open(struct dctx *c, const struct enquiry_in *in, int64_t *id)
{
	enum kerr rc = dom_require(c, ROLE_CUSTOMER);
	if (rc)
		return rc;
	if ((rc = dom_check_enum(c, "category", in->category, enquiry_categories)) ||
	    (rc = dom_check_text(c, "subject", in->subject, 200, 1)) ||
	    (rc = dom_check_text(c, "message", in->message, ENQUIRY_MAX_BODY, 1)))
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_ORDER_OWNER);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(in->order_id));
	int r = db_step(st);
	int64_t customer_id = 0, vendor_id = 0;
	const char *number = NULL, *shop = NULL, *customer = NULL;
	if (r == DB_ROW) {
		customer_id = db_col_i64(st, 0);
		vendor_id = db_col_i64(st, 1);
		number = dom_col_str(c, st, 2);
		shop = dom_col_str(c, st, 3);
		customer = dom_col_str(c, st, 4);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE || customer_id != c->who->customer_id)
		return err_set(c->e, KERR_NOT_FOUND, "order_id", "no such order");
	int64_t existing;
	rc = db_one_i64(c->db, c->e, &existing, SQL_ACTIVE_ON_ORDER, DB_ARGS(in->order_id));
	if (rc == KERR_OK)
		return err_set(c->e, KERR_CONFLICT, "order_id",
			       "enquiry %lld about this order is still open; reply there",
			       (long long)existing);
	if (rc != KERR_NOT_FOUND)
		return rc;
	rc = db_one_i64(c->db, c->e, id, SQL_INSERT,
			DB_ARGS(in->order_id, customer_id, vendor_id, number, shop, customer,
				in->category, in->subject, c->now));
	if (rc)
		return rc;
	rc = audit_append(c, "enquiry.open", "enquiry", *id,
			  json_pack("{s:I,s:s,s:[n,s]}", "order_id", (json_int_t)in->order_id,
				    "category", in->category, "status", "open"));
	if (rc)
		return rc;
	struct enquiry_row row;
	int64_t mid;
	if ((rc = enquiry_load(c, *id, &row)))
		return rc;
	if ((rc = message_insert(c, &row, "customer", in->message, 0, &mid)))
		return rc;
	return in->nfiles ? attachment_attach(c, mid, in->files, in->nfiles) : KERR_OK;
}

/* Until when a customer may reopen q, when it is resolved. */
static void set_reopen_until(struct dctx *c, struct enquiry *q)
{
	if (strcmp(q->status, "resolved") == 0)
		q->reopen_until = q->resolved_at + reopen_window_ms(c);
}

/*
 * Reads how staff handle the enquiry from five columns starting at col:
 * priority, assignee id and name, escalated, vendor due time.  Strings are
 * copied into the arena when copy is set, else they last until the next step.
 */
static void read_handling(struct dctx *c, struct db_stmt *st, int col, int copy, struct enquiry *q)
{
	q->priority = copy ? dom_col_str(c, st, col) : db_col_text(st, col);
	q->assignee_id = db_col_i64(st, col + 1);
	q->assignee_name = copy ? dom_col_str(c, st, col + 2) : db_col_text(st, col + 2);
	q->escalated = (int)db_col_i64(st, col + 3);
	int64_t due = db_col_i64(st, col + 4);
	q->due_at = due == NO_DUE ? 0 : due;
}

/* Reads the operator's clock from two columns starting at col (due time, time left). */
static void read_reply(const struct dctx *c, struct db_stmt *st, int col, struct enquiry *q)
{
	int64_t due = db_col_i64(st, col);
	int paused = !db_col_null(st, col + 1);
	q->reply_due_at = due == NO_DUE ? 0 : due;
	q->reply_left_ms = paused ? db_col_i64(st, col + 1) : 0;
	q->reply_state = paused			   ? "paused"
			 : due == NO_DUE	   ? "none"
			 : c->now > due		   ? "late"
			 : due - c->now <= 3600000 ? "soon"
						   : "due";
}

/* Reads a row of ENQ_COLS shaped for the viewer. */
static void read_enquiry(struct dctx *c, struct db_stmt *st, struct enquiry *q)
{
	memset(q, 0, sizeof(*q));
	q->view = dom_view(c);
	q->id = db_col_i64(st, 0);
	q->order_id = db_col_i64(st, 1);
	q->customer_id = db_col_i64(st, 2);
	q->vendor_id = db_col_i64(st, 3);
	q->category = dom_col_str(c, st, 4);
	q->subject = dom_col_str(c, st, 5);
	q->status = enquiry_status_for(q->view, dom_col_str(c, st, 6));
	q->message_count = db_col_i64(st, 12);
	q->created_at = db_col_i64(st, 13);
	q->updated_at = db_col_i64(st, 14);
	q->last_message_at = db_col_i64(st, 15);
	q->resolved_at = db_col_i64(st, 16);
	q->closed_at = db_col_i64(st, 17);
	q->order_number = dom_col_str(c, st, 18);
	q->shop_name = dom_col_str(c, st, 19);
	set_reopen_until(c, q);
	if (q->view == VIEW_CUSTOMER) {
		/*
		 * A customer's counts and times come from the messages they can
		 * read only, so notes, vendor requests and answers leave no trace.
		 */
		q->message_count = db_col_i64(st, 21);
		q->last_message_at = db_col_i64(st, 22);
		int64_t t = q->created_at;
		if (q->last_message_at > t)
			t = q->last_message_at;
		if (q->resolved_at > t)
			t = q->resolved_at;
		if (q->closed_at > t)
			t = q->closed_at;
		q->updated_at = t;
	}
	if (q->view != VIEW_STAFF)
		return;
	read_handling(c, st, 7, 1, q);
	q->customer_name = dom_col_str(c, st, 20);
	q->queue = dom_col_str(c, st, 23);
	read_reply(c, st, 24, q);
	q->reply_breaches = db_col_i64(st, 26);
	q->first_reply_at = db_col_i64(st, 27);
}

/*
 * Reads a list row (QUEUE_COLS for staff, SQL_LIST_CUSTOMER's columns for
 * customers) into a summary; its strings last until the next step.
 */
static void read_summary(struct dctx *c, struct db_stmt *st, struct enquiry *q)
{
	memset(q, 0, sizeof(*q));
	q->view = dom_view(c);
	q->id = db_col_i64(st, 0);
	q->category = db_col_text(st, 1);
	q->subject = db_col_text(st, 2);
	q->status = enquiry_status_for(q->view, db_col_text(st, 3));
	if (q->view != VIEW_STAFF) {
		q->message_count = db_col_i64(st, 4);
		q->created_at = db_col_i64(st, 5);
		q->last_message_at = db_col_i64(st, 6);
		q->order_number = db_col_text(st, 7);
		q->shop_name = db_col_text(st, 8);
		q->resolved_at = db_col_i64(st, 9);
		set_reopen_until(c, q);
		return;
	}
	read_handling(c, st, 4, 0, q);
	q->message_count = db_col_i64(st, 9);
	q->created_at = db_col_i64(st, 10);
	q->last_message_at = db_col_i64(st, 11);
	q->order_number = db_col_text(st, 12);
	q->shop_name = db_col_text(st, 13);
	q->customer_name = db_col_text(st, 14);
	q->resolved_at = db_col_i64(st, 15);
	read_reply(c, st, 16, q);
}

static void read_enquiry_row(struct dctx *c, struct db_stmt *st, void *out)
{
	read_enquiry(c, st, out);
}

enum kerr enquiry_get(struct dctx *c, int64_t id, struct enquiry *out)
{
	enum kerr rc = dom_require(c, ROLE_CUSTOMER | ROLES_STAFF);
	if (rc)
		return rc;
	int found;
	if ((rc = dom_fetch(c, SQL_GET, id, read_enquiry_row, out, &found)))
		return rc;
	if (!found || (out->view == VIEW_CUSTOMER && out->customer_id != c->who->customer_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such enquiry");
	return KERR_OK;
}

/*
 * Hands each row of the list statement st (limit + 1 asked for) to each, and
 * finishes it; *more when a row past limit came.  The last row's cursor goes
 * to *next_key and *next_id: its sort key (sort_due as enquiry_filter's; -1:
 * none, 0) and id.
 */
static enum kerr stream(struct dctx *c, struct db_stmt *st, int limit, int sort_due,
			enquiry_each_fn each, void *arg, int *more, int64_t *next_key,
			int64_t *next_id)
{
	enum kerr rc;
	*more = 0;
	int n = 0, r;
	while ((r = db_step(st)) == DB_ROW) {
		if (n == limit) {
			*more = 1;
			break;
		}
		struct enquiry q;
		read_summary(c, st, &q);
		*next_key = sort_due < 0    ? 0
			    : sort_due == 2 ? db_col_i64(st, 16)
			    : sort_due	    ? db_col_i64(st, 8)
					    : q.created_at;
		*next_id = q.id;
		n++;
		if ((rc = each(&q, arg))) {
			db_done(st);
			return rc;
		}
	}
	db_done(st);
	return r == DB_ERROR ? dom_db_err(c) : KERR_OK;
}

static const char SQL_SEARCH[] =
    QUEUE_COLS " WHERE e.id IN (SELECT id FROM enquiries WHERE"
	       " {{text_match:enquiries:order_number,customer_name,shop_name,subject:$1}}"
	       " UNION SELECT enquiry_id FROM messages WHERE {{text_match:messages:body:$1}})"
	       " ORDER BY e.id DESC LIMIT $2";

enum kerr enquiry_search(struct dctx *c, const char *words, int limit, enquiry_each_fn each,
			 void *arg, int *more)
{
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = dom_check_text(c, "q", words, 200, 1)))
		return rc;
	*more = 0;
	const char *query = db_text_query(c->db, c->a, words);
	if (!query)
		return err_set(c->e, KERR_BAD_VALUE, "q", "'q' must hold a word or a number");
	struct db_stmt *st = db_prep(c->db, SQL_SEARCH);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(query, (int64_t)limit + 1));
	int64_t key, id;
	return stream(c, st, limit, -1, each, arg, more, &key, &id);
}

/* Each count a range of one index, so that the counts cost little however long the queue. */
static const char SQL_COUNTS[] =
    "SELECT (SELECT COUNT(*) FROM enquiries WHERE active = 1),"
    " (SELECT COUNT(*) FROM enquiries WHERE status = 'open'),"
    " (SELECT COUNT(*) FROM enquiries WHERE status = 'awaiting_vendor'),"
    " (SELECT COUNT(*) FROM enquiries WHERE status = 'awaiting_customer'),"
    " (SELECT COUNT(*) FROM enquiries WHERE active = 1 AND escalated = 1),"
    " (SELECT COUNT(*) FROM enquiries WHERE active = 1 AND due_at < $1)"
    " + (SELECT COUNT(*) FROM enquiries WHERE active = 1 AND reply_due_at < $1)"
    " - (SELECT COUNT(*) FROM enquiries WHERE active = 1 AND due_at < $1"
    " AND reply_due_at + 0 < $1)," /* + 0: read by the vendor's due time, the shorter range */
    " (SELECT COUNT(*) FROM enquiries WHERE assignee_id = $2 AND active = 1),"
    " (SELECT COUNT(*) FROM enquiries WHERE assignee_id IS NULL AND active = 1)";

enum kerr enquiry_counts(struct dctx *c, struct enquiry_counts *out)
{
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_COUNTS);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(c->now, c->who->user_id));
	int r = db_step(st);
	if (r == DB_ROW) {
		int64_t *v[] = {&out->active,
				&out->open,
				&out->awaiting_vendor,
				&out->awaiting_customer,
				&out->escalated,
				&out->overdue,
				&out->mine,
				&out->unassigned};
		for (int i = 0; i < 8; i++)
			*v[i] = db_col_i64(st, i);
	}
	db_done(st);
	return r == DB_ROW ? KERR_OK : dom_db_err(c);
}

/*
 * The queue's SQL for a shape of filter, built once per process: the
 * shapes are few (status mode x category x vendor x assignee x escalated x
 * sort) and the text is the statement cache's key.
 */
#define QUEUE_SHAPES (4 * 2 * 2 * 3 * 2 * 2 * 3)
static _Atomic(char *) queue_sql[QUEUE_SHAPES];

static const char *queue_sql_for(int status_mode, int category, int vendor, int assignee,
				 int escalated, int overdue, int sort_due)
{
	int shape =
	    (((((status_mode * 2 + category) * 2 + vendor) * 3 + assignee) * 2 + escalated) * 2 +
	     overdue) *
		3 +
	    sort_due;
	char *cached = atomic_load(&queue_sql[shape]);
	if (cached)
		return cached;
	struct buf sql;
	buf_init(&sql, 0);
	const char *key = sort_due == 2 ? "e.reply_due_at" : sort_due ? "e.due_at" : "e.created_at";
	int n = 0;
	buf_append_str(&sql, QUEUE_COLS " WHERE ");
	if (status_mode == 0)
		buf_append_str(&sql, "e.active = 1");
	else if (status_mode == 1)
		buf_append_str(&sql, "1 = 1");
	else if (status_mode == 2)
		buf_printf(&sql, "e.status = $%d", ++n);
	else /* an active status: read along the active enquiries' index in the sort's order */
		buf_printf(&sql, "e.active = 1 AND e.status = $%d", ++n);
	if (category)
		buf_printf(&sql, " AND e.category = $%d", ++n);
	if (vendor)
		buf_printf(&sql, " AND e.vendor_id = $%d", ++n);
	if (assignee == 2)
		buf_printf(&sql, " AND e.assignee_id = $%d", ++n);
	else if (assignee == 1)
		buf_append_str(&sql, " AND e.assignee_id IS NULL");
	if (escalated)
		buf_printf(&sql, " AND e.escalated = $%d", ++n);
	if (overdue) {
		buf_printf(&sql, " AND (e.due_at < $%d OR e.reply_due_at < $%d)", n + 1, n + 1);
		n++;
	}
	buf_printf(&sql, " AND (%s, e.id) > ($%d, $%d) ORDER BY %s, e.id LIMIT $%d", key, n + 1,
		   n + 2, key, n + 3);
	char *built = buf_steal(&sql);
	char *expected = NULL;
	if (!atomic_compare_exchange_strong(&queue_sql[shape], &expected, built)) {
		free(built); /* another thread built it first */
		return expected;
	}
	return built;
}

/* Builds the staff queue's statement for the filter and binds its values. */
static struct db_stmt *queue_stmt(struct dctx *c, const struct enquiry_filter *f)
{
	const char *status = f->status ? f->status : "active";
	int mode = strcmp(status, "active") == 0				      ? 0
		   : strcmp(status, "all") == 0					      ? 1
		   : strcmp(status, "resolved") == 0 || strcmp(status, "closed") == 0 ? 2
										      : 3;
	const char *sql = queue_sql_for(mode, f->category != NULL, f->vendor_id != 0,
					f->assignee > 0	  ? 2
					: f->assignee < 0 ? 1
							  : 0,
					f->escalated >= 0, f->overdue != 0, f->sort_due);
	struct db_stmt *st = db_prep(c->db, sql);
	if (!st)
		return NULL;
	if (strcmp(status, "active") != 0 && strcmp(status, "all") != 0)
		db_bind(st, DB_ARGS(status));
	if (f->category)
		db_bind(st, DB_ARGS(f->category));
	if (f->vendor_id)
		db_bind(st, DB_ARGS(f->vendor_id));
	if (f->assignee > 0)
		db_bind(st, DB_ARGS(f->assignee));
	if (f->escalated >= 0)
		db_bind(st, DB_ARGS((int64_t)f->escalated));
	if (f->overdue)
		db_bind(st, DB_ARGS(c->now));
	int64_t after_key = f->after_key, after_id = f->after_id;
	if (!after_id)
		after_key = INT64_MIN;
	db_bind(st, DB_ARGS(after_key, after_id, (int64_t)f->limit + 1));
	return st;
}

enum kerr enquiry_list(struct dctx *c, const struct enquiry_filter *f, enquiry_each_fn each,
		       void *arg, int *more, int64_t *next_key, int64_t *next_id)
{
	enum kerr rc = dom_require(c, ROLE_CUSTOMER | ROLES_STAFF);
	if (rc)
		return rc;
	struct db_stmt *st;
	int staff = dom_view(c) == VIEW_STAFF;
	if (staff) {
		const char *status = f->status ? f->status : "active";
		if (strcmp(status, "active") != 0 && strcmp(status, "all") != 0 &&
		    (rc = dom_check_enum(c, "status", status, enquiry_statuses)))
			return rc;
		if (f->category &&
		    (rc = dom_check_enum(c, "category", f->category, enquiry_categories)))
			return rc;
		st = queue_stmt(c, f);
	} else {
		st = db_prep(c->db, SQL_LIST_CUSTOMER);
		if (st)
			db_bind(st,
				DB_ARGS(c->who->customer_id, f->after_id ? f->after_id : INT64_MAX,
					(int64_t)f->limit + 1));
	}
	if (!st)
		return dom_db_err(c);
	return stream(c, st, f->limit, staff ? f->sort_due : -1, each, arg, more, next_key,
		      next_id);
}

enum kerr enquiry_assign(struct dctx *c, int64_t id, int64_t assignee_id)
{
	struct enquiry_row row;
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = enquiry_load(c, id, &row)))
		return rc;
	if (strcmp(row.status, "closed") == 0)
		return err_set(c->e, KERR_STATE, "status", "the enquiry is closed");
	const char *name = NULL;
	if (assignee_id) {
		struct db_stmt *st = db_prep(c->db, SQL_ASSIGNEE_ROLE);
		if (!st)
			return dom_db_err(c);
		db_bind(st, DB_ARGS(assignee_id));
		int r = db_step(st);
		int staff = r == DB_ROW && (strcmp(db_col_text(st, 0), "agent") == 0 ||
					    strcmp(db_col_text(st, 0), "admin") == 0);
		if (staff)
			name = dom_col_str(c, st, 1);
		db_done(st);
		if (r == DB_ERROR)
			return dom_db_err(c);
		if (!staff)
			return err_set(c->e, KERR_BAD_VALUE, "assignee_id",
				       "'assignee_id' must be an enabled agent or admin");
	}
	int64_t before = 0;
	if ((rc = db_one_i64(c->db, c->e, &before, SQL_CURRENT_ASSIGNEE, DB_ARGS(id))) ||
	    (rc = db_exec(c->db, c->e, SQL_ASSIGN,
			  DB_ARGS(id, db_optid(assignee_id), name, c->now))))
		return rc;
	return audit_append(c, "enquiry.assign", "enquiry", id,
			    json_pack("{s:[o,o]}", "assignee_id",
				      before ? json_integer(before) : json_null(),
				      assignee_id ? json_integer(assignee_id) : json_null()));
}

enum kerr enquiry_rename_shop(struct dctx *c, int64_t vendor_id, const char *shop_name)
{
	return db_exec(c->db, c->e, SQL_RENAME_SHOP, DB_ARGS(vendor_id, shop_name));
}

enum kerr enquiry_rename_customer(struct dctx *c, int64_t customer_id, const char *name)
{
	return db_exec(c->db, c->e, SQL_RENAME_CUSTOMER, DB_ARGS(customer_id, name));
}

enum kerr enquiry_set_status(struct dctx *c, int64_t id, const char *status)
{
	struct enquiry_row row;
	enum kerr rc = dom_require(c, ROLES_STAFF);
	if (rc || (rc = dom_check_enum(c, "status", status, enquiry_statuses)) ||
	    (rc = enquiry_load(c, id, &row)))
		return rc;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(allowed[i].from, row.status) == 0 && strcmp(allowed[i].to, status) == 0)
			return set_status(c, &row, status, "enquiry.status");
	if (strcmp(row.status, "awaiting_vendor") == 0)
		return err_set(
		    c->e, KERR_STATE, "status",
		    "the enquiry is awaiting_vendor; cancel the open vendor request first");
	return err_set(c->e, KERR_STATE, "status", "the enquiry is %s; it cannot become %s",
		       row.status, status);
}

enum kerr enquiry_reopen(struct dctx *c, int64_t id)
{
	struct enquiry_row row;
	enum kerr rc = dom_require(c, ROLE_CUSTOMER | ROLES_STAFF);
	if (rc || (rc = enquiry_load(c, id, &row)))
		return rc;
	if (strcmp(row.status, "resolved") != 0)
		return err_set(c->e, KERR_STATE, "status", "the enquiry is %s, not resolved",
			       enquiry_status_for(dom_view(c), row.status));
	if (c->now > row.resolved_at + reopen_window_ms(c))
		return err_set(c->e, KERR_STATE, "status",
			       "the enquiry is resolved and its %lld-day reopen window has passed",
			       (long long)c->cfg->reopen_window_days);
	enum kerr rc2 = set_status(c, &row, "open", "enquiry.reopen");
	return rc2 ? rc2 : clock_owe(c, &row);
}

enum kerr enquiry_close_expired(struct dctx *c, int *closed)
{
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	*closed = 0;
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_EXPIRED);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(c->now - reopen_window_ms(c)));
	int64_t ids[500];
	int n = 0, r;
	while (n < 500 && (r = db_step(st)) == DB_ROW)
		ids[n++] = db_col_i64(st, 0);
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	for (int i = 0; i < n; i++) {
		struct enquiry_row row;
		if ((rc = enquiry_load(c, ids[i], &row)) ||
		    (rc = set_status(c, &row, "closed", "enquiry.close")))
			return rc;
		(*closed)++;
	}
	return KERR_OK;
}

static const char SQL_ESCALATE[] =
    "UPDATE enquiries SET escalated = 1, priority = $2,"
    " queue = CASE queue WHEN 'supervisors' THEN queue ELSE $3 END, updated_at = $4"
    " WHERE id = $1";

enum kerr enquiry_escalate(struct dctx *c, struct enquiry_row *row, const char *queue,
			   const char *why, int64_t vendor_request_id)
{
	/* A step up from the row's, loaded under its lock: low, normal, high, urgent. */
	const char *to = strcmp(row->priority, "low") == 0	? "normal"
			 : strcmp(row->priority, "normal") == 0 ? "high"
								: "urgent";
	snprintf(row->priority, sizeof(row->priority), "%s", to);
	enum kerr rc =
	    db_exec_later(c->db, c->e, SQL_ESCALATE, DB_ARGS(row->id, to, queue, c->now));
	if (rc)
		return rc;
	return audit_append(c, "enquiry.escalate", "enquiry", row->id,
			    json_pack("{s:s,s:s,s:s,s:I}", "priority", to, "queue", queue, "reason",
				      why, "vendor_request_id", (json_int_t)vendor_request_id));
}

enum kerr enquiry_note_message(struct dctx *c, struct enquiry_row *row, const char *audience)
{
	int shown = strcmp(audience, "customer") == 0;
	enum kerr rc =
	    db_exec_later(c->db, c->e, SQL_NOTE_MESSAGE, DB_ARGS(row->id, c->now, shown));
	if (rc || strcmp(audience, "customer") != 0)
		return rc;
	/* The operator's clock: the customer's words owe a reply; the operator's give it. */
	if ((rc = c->who->role == ROLE_CUSTOMER ? clock_owe(c, row) : clock_replied(c, row)))
		return rc;
	/* A customer's reply wakes the enquiry; an agent's reply waits for the customer. */
	if (c->who->role == ROLE_CUSTOMER && strcmp(row->status, "awaiting_customer") == 0)
		return set_status(c, row, "open", "enquiry.status");
	if (dom_is_staff(c) && strcmp(row->status, "open") == 0)
		return set_status(c, row, "awaiting_customer", "enquiry.status");
	return KERR_OK;
}

enum kerr enquiry_resolve(struct dctx *c, struct enquiry_row *row, const char *action)
{
	if (strcmp(row->status, "open") != 0 && strcmp(row->status, "awaiting_customer") != 0)
		return err_set(c->e, KERR_STATE, "status",
			       "the enquiry is %s; it cannot be resolved", row->status);
	return set_status(c, row, "resolved", action);
}

int enquiry_category_listed(const char *list, const char *category)
{
	struct slice rest = slice_from(list), item;
	size_t n = strlen(category);
	while (slice_split(&rest, ',', &item)) {
		item = slice_trim(item);
		if (item.n == n && memcmp(item.p, category, n) == 0)
			return 1;
	}
	return 0;
}

int enquiry_categories_valid(const char *list)
{
	struct slice rest = slice_from(list), item;
	unsigned seen = 0;
	while (slice_split(&rest, ',', &item)) {
		item = slice_trim(item);
		int found = -1;
		for (int i = 0; enquiry_categories[i]; i++)
			if (strlen(enquiry_categories[i]) == item.n &&
			    memcmp(enquiry_categories[i], item.p, item.n) == 0)
				found = i;
		if (found < 0 || (seen & (1u << found)))
			return 0;
		seen |= 1u << found;
	}
	return 1;
}

enum kerr enquiry_sync_requests(struct dctx *c, struct enquiry_row *row)
{
	struct db_stmt *st = db_prep(c->db, SQL_OPEN_REQUESTS);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(row->id));
	int r = db_step(st);
	int64_t open = 0, due = NO_DUE;
	if (r == DB_ROW) {
		open = db_col_i64(st, 0);
		if (!db_col_null(st, 1))
			due = db_col_i64(st, 1);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	enum kerr rc = db_exec_later(c->db, c->e, SQL_SET_DUE, DB_ARGS(row->id, due));
	if (rc)
		return rc;
	int waiting = strcmp(row->status, "awaiting_vendor") == 0;
	if (open && !waiting)
		return set_status(c, row, "awaiting_vendor", "enquiry.status");
	if (!open && waiting)
		return set_status(c, row, "open", "enquiry.status");
	return KERR_OK;
}
