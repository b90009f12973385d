/*
 * message.c - posting and reading messages.  See message.h.
 */
#include "domain/message.h"

#include <string.h>

#include "domain/audit.h"
#include "domain/contact.h"
#include "domain/notify.h"
#include "domain/order.h"

static const char SQL_INSERT[] =
    "INSERT INTO messages (enquiry_id, author_id, audience, body, vendor_request_id,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
#define MSG_COLS                                                                                   \
	"SELECT m.id, m.enquiry_id, m.author_id, u.name, u.role, m.audience, m.body,"              \
	" m.vendor_request_id, m.created_at, m.findings"                                           \
	" FROM messages m JOIN users u ON u.id = m.author_id"
static const char SQL_ONE[] = MSG_COLS " WHERE m.id = $1";
static const char SQL_THREAD[] = MSG_COLS " WHERE m.enquiry_id = $1 ORDER BY m.id LIMIT $2";
static const char SQL_THREAD_CUSTOMER[] =
    MSG_COLS " WHERE m.enquiry_id = $1 AND m.audience = 'customer' ORDER BY m.id LIMIT $2";
static const char SQL_REPLIES[] =
    MSG_COLS " JOIN enquiries e ON e.id = m.enquiry_id WHERE e.order_id = $1"
	     " AND m.audience = 'customer' AND u.role IN ('agent', 'admin')"
	     " ORDER BY m.id LIMIT $2";
static const char SQL_ORDER_VENDOR[] =
    "SELECT o.vendor_id," ORDER_PARTY_COLS
    " FROM orders o" ORDER_PARTY_JOIN("o.customer_id") " WHERE o.id = $1";

static const char *const post_audiences[] = {"customer", "internal", NULL};

enum kerr message_insert(struct dctx *c, struct enquiry_row *row, const char *audience,
			 const char *body, int64_t vendor_request_id, int64_t *id)
{
	enum kerr rc = dom_check_text(c, "body", body, ENQUIRY_MAX_BODY, 1);
	if (rc)
		return rc;
	rc = db_one_i64(
	    c->db, c->e, id, SQL_INSERT,
	    DB_ARGS(row->id, c->who->user_id, audience, body, db_optid(vendor_request_id), c->now));
	if (rc)
		return rc;
	rc = audit_append(c, "message.create", "message", *id,
			  json_pack("{s:I,s:s,s:I}", "enquiry_id", (json_int_t)row->id, "audience",
				    audience, "length", (json_int_t)strlen(body)));
	if (rc)
		return rc;
	return enquiry_note_message(c, row, audience);
}

/*
 * The program's own user, the author of the replies it writes, made when
 * first needed: it has no address (no person's can be empty), is disabled
 * so that nobody signs in as it, and user lists leave it out.
 */
static const char SQL_PROGRAM_USER_ADD[] =
    "INSERT INTO users (email, name, role, disabled, created_at)"
    " VALUES ('', 'Automatic reply', 'admin', 1, $1) ON CONFLICT (email) DO NOTHING"
    " RETURNING id";
static const char SQL_PROGRAM_USER[] = "SELECT id FROM users WHERE email = ''";

enum kerr message_automatic_reply(struct dctx *c, struct enquiry_row *row, const char *body,
				  int64_t *id)
{
	enum kerr rc = dom_require(c, ROLE_SYSTEM);
	struct principal program = *c->who;
	if (rc)
		return rc;
	/* Made the first time it is needed (once: writes hold the store's one write lock). */
	rc = db_one_i64(c->db, c->e, &program.user_id, SQL_PROGRAM_USER, DB_NONE);
	if (rc == KERR_NOT_FOUND) {
		rc = db_one_i64(c->db, c->e, &program.user_id, SQL_PROGRAM_USER_ADD,
				DB_ARGS(c->now));
		if (rc == KERR_OK)
			rc = audit_append(c, "user.create", "user", program.user_id,
					  json_pack("{s:s,s:s,s:b}", "name", "Automatic reply",
						    "role", "admin", "disabled", 1));
		else if (rc == KERR_NOT_FOUND) /* the other scheduler's */
			rc = db_one_i64(c->db, c->e, &program.user_id, SQL_PROGRAM_USER, DB_NONE);
	}
	if (rc)
		return rc;
	const struct principal *was = c->who;
	c->who = &program;
	rc = message_insert(c, row, "customer", body, 0, id);
	c->who = was;
	return rc;
}

/* Fills in who wrote m as the viewer may see it. */
static void shape_author(struct dctx *c, struct message *m, int64_t author, const char *name,
			 const char *role, enum view v)
{
	m->mine = author == c->who->user_id;
	if (v == VIEW_STAFF) {
		m->author_id = author;
		m->author_name = name;
		m->author_role = role;
		return;
	}
	if (strcmp(role, "agent") == 0 || strcmp(role, "admin") == 0) {
		m->author_role = "operator";
		m->author_name = arena_printf(c->a, "%s Support", c->cfg->operator_name);
	} else {
		m->author_role = role;
		m->author_name = m->mine ? name : NULL;
	}
}

/* Reads a row of MSG_COLS shaped for the viewer. */
static void read_message(struct dctx *c, struct db_stmt *st, struct message *m, enum view v)
{
	memset(m, 0, sizeof(*m));
	m->id = db_col_i64(st, 0);
	m->enquiry_id = db_col_i64(st, 1);
	m->audience = dom_col_str(c, st, 5);
	m->body = dom_col_str(c, st, 6);
	m->created_at = db_col_i64(st, 8);
	if (v == VIEW_STAFF) {
		m->vendor_request_id = db_col_i64(st, 7);
		m->findings = dom_col_str(c, st, 9);
	}
	shape_author(c, m, db_col_i64(st, 2), dom_col_str(c, st, 3), dom_col_str(c, st, 4), v);
}

/* Tells the customer of enquiry *row that the operator replied (never what it said). */
static enum kerr tell_customer(struct dctx *c, const struct enquiry_row *row)
{
	struct notice n = {
	    .kind = "enquiry.reply",
	    .subject = arena_printf(c->a, "A reply about your order %s", row->order_number),
	    .body = arena_printf(c->a, "%s Support replied to your enquiry about order %s.",
				 c->cfg->operator_name, row->order_number),
	    .link = arena_printf(c->a, "/help/enquiries/%lld", (long long)row->id),
	    .object_type = "enquiry",
	    .object_id = row->id,
	};
	return notify_customer(c, row->customer_id, &n);
}

enum kerr message_post(struct dctx *c, int64_t enquiry_id, const char *audience, const char *body,
		       const struct upload *files, int nfiles, struct message *out,
		       const char **status)
{
	struct enquiry_row row;
	enum kerr rc = dom_require(c, ROLE_CUSTOMER | ROLES_STAFF);
	if (rc)
		return rc;
	if (!audience)
		audience = "customer";
	if ((rc = dom_check_enum(c, "audience", audience, post_audiences)))
		return rc;
	if (c->who->role == ROLE_CUSTOMER && strcmp(audience, "customer") != 0)
		return err_set(c->e, KERR_FORBIDDEN, "audience",
			       "customers write to the support team only");
	if ((rc = dom_check_text(c, "body", body, ENQUIRY_MAX_BODY, 1)) ||
	    (rc = enquiry_load(c, enquiry_id, &row)))
		return rc;
	const char *shown = enquiry_status_for(dom_view(c), row.status);
	if (strcmp(row.status, "closed") == 0)
		return err_set(c->e, KERR_STATE, "status", "the enquiry is closed");
	if (strcmp(row.status, "resolved") == 0 && strcmp(audience, "customer") == 0)
		return err_set(c->e, KERR_STATE, "status",
			       c->who->role == ROLE_CUSTOMER
				   ? "the enquiry is resolved; reopen it to write again"
				   : "the enquiry is %s; set it open to reply",
			       shown);
	/* Nobody may pass the vendor's contact details on to the customer (G2). */
	if (dom_is_staff(c) && strcmp(audience, "customer") == 0 &&
	    (rc = contact_check_reply(c, &row, body)))
		return rc;
	int64_t id;
	if ((rc = message_insert(c, &row, audience, body, 0, &id)) ||
	    (nfiles && (rc = attachment_attach(c, id, files, nfiles))) ||
	    (dom_is_staff(c) && strcmp(audience, "customer") == 0 && (rc = tell_customer(c, &row))))
		return rc;
	if (out) {
		enum view v = dom_view(c);
		memset(out, 0, sizeof(*out));
		out->id = id;
		out->enquiry_id = enquiry_id;
		out->audience = audience;
		out->body = body;
		out->created_at = c->now;
		shape_author(c, out, c->who->user_id, arena_strdup(c->a, c->who->name),
			     role_name(c->who->role), v);
		*status = enquiry_status_for(v, arena_strdup(c->a, row.status));
		if (nfiles)
			return attachment_list_message(c, id, &out->files, &out->nfiles);
	}
	return KERR_OK;
}

/* A vendor's answer, as its vendor or staff see it: author named. */
static void read_answer_row(struct dctx *c, struct db_stmt *st, void *out)
{
	struct message *m = out;
	m->id = db_col_i64(st, 0);
	m->author_name = dom_col_str(c, st, 3);
	m->author_role = dom_col_str(c, st, 4);
	m->audience = dom_col_str(c, st, 5);
	m->body = dom_col_str(c, st, 6);
	m->created_at = db_col_i64(st, 8);
	m->mine = db_col_i64(st, 2) == c->who->user_id;
	if (dom_view(c) == VIEW_STAFF) {
		m->author_id = db_col_i64(st, 2);
		m->enquiry_id = db_col_i64(st, 1);
		m->vendor_request_id = db_col_i64(st, 7);
		m->findings = dom_col_str(c, st, 9);
	}
}

enum kerr message_answer(struct dctx *c, int64_t id, struct message **out)
{
	struct message *m = arena_calloc(c->a, 1, sizeof(*m));
	int found;
	enum kerr rc = dom_fetch(c, SQL_ONE, id, read_answer_row, m, &found);
	if (rc || !found)
		return rc;
	*out = m;
	return attachment_list_message(c, id, &m->files, &m->nfiles);
}

/* Hands each message its files from refs (both ordered by message id). */
static void join_files(struct message *msgs, int n, struct attachment_ref *refs, int nrefs)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		while (k < nrefs && refs[k].message_id < msgs[i].id)
			k++;
		int start = k;
		while (k < nrefs && refs[k].message_id == msgs[i].id)
			k++;
		msgs[i].files = refs + start;
		msgs[i].nfiles = k - start;
	}
}

enum kerr message_thread(struct dctx *c, const struct enquiry *q, struct message **out, int *n)
{
	enum view v = dom_view(c);
	*n = 0;
	struct db_stmt *st = db_prep(c->db, v == VIEW_STAFF ? SQL_THREAD : SQL_THREAD_CUSTOMER);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(q->id, (int64_t)MESSAGE_MAX_THREAD));
	int cap = q->message_count > 0 && q->message_count < MESSAGE_MAX_THREAD
		      ? (int)q->message_count + 4
		      : MESSAGE_MAX_THREAD;
	*out = arena_calloc(c->a, (size_t)cap, sizeof(**out));
	int r;
	while ((r = db_step(st)) == DB_ROW && *n < cap)
		read_message(c, st, &(*out)[(*n)++], v);
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	struct attachment_ref *refs;
	int nrefs;
	enum kerr rc =
	    attachment_list_enquiry(c, q->id, v == VIEW_STAFF ? NULL : "customer", &refs, &nrefs);
	if (rc)
		return rc;
	join_files(*out, *n, refs, nrefs);
	return KERR_OK;
}

enum kerr message_replies_for_order(struct dctx *c, int64_t order_id, struct message **out, int *n)
{
	enum kerr rc = dom_require(c, ROLE_VENDOR | ROLES_STAFF);
	if (rc)
		return rc;
	struct db_stmt *st = db_prep(c->db, SQL_ORDER_VENDOR);
	if (!st)
		return dom_db_err(c);
	db_bind(st, DB_ARGS(order_id));
	int r = db_step(st);
	int64_t vendor_id = 0;
	struct screen_party p = {0};
	if (r == DB_ROW) {
		vendor_id = db_col_i64(st, 0);
		order_read_party(c, st, 1, &p);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (r == DB_DONE || (c->who->role == ROLE_VENDOR && vendor_id != c->who->vendor_id))
		return err_set(c->e, KERR_NOT_FOUND, "id", "no such order");
	enum view v = dom_view(c);
	if (!(st = db_prep(c->db, SQL_REPLIES)))
		return dom_db_err(c);
	db_bind(st, DB_ARGS(order_id, (int64_t)MESSAGE_MAX_THREAD));
	*out = arena_calloc(c->a, 16, sizeof(**out));
	*n = 0;
	int cap = 16;
	while ((r = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			struct message *bigger = arena_calloc(c->a, (size_t)cap * 2, sizeof(**out));
			memcpy(bigger, *out, (size_t)cap * sizeof(**out));
			*out = bigger;
			cap *= 2;
		}
		read_message(c, st, &(*out)[(*n)++], v);
	}
	db_done(st);
	if (r == DB_ERROR)
		return dom_db_err(c);
	if (v != VIEW_VENDOR)
		return KERR_OK;
	for (int i = 0; i < *n; i++)
		(*out)[i].body = order_redact_for_vendor(c, &p, (*out)[i].body);
	return KERR_OK;
}
