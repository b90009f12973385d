/*
 * feedback.c - the customer's rating of the help.  See feedback.h.
 */
#include "domain/feedback.h"

#include <string.h>

#include "domain/audit.h"
#include "domain/enquiry.h"

static const char SQL_INSERT[] =
    "INSERT INTO enquiry_feedback (enquiry_id, customer_id, score, comment, created_at)"
    " VALUES ($1, $2, $3, $4, $5)";
static const char SQL_GIVEN[] = "SELECT 1 FROM enquiry_feedback WHERE enquiry_id = $1";
static const char SQL_GET[] = "SELECT f.enquiry_id, f.score, f.comment, f.created_at, f.customer_id"
			      " FROM enquiry_feedback f WHERE f.enquiry_id = $1";

enum kerr feedback_give(struct dctx *c, int64_t enquiry_id, int64_t score, const char *comment)
{
	enum kerr rc = dom_require(c, ROLE_CUSTOMER);
	if (rc)
		return rc;
	if (score < 1 || score > 5)
		return err_set(c->e, KERR_BAD_VALUE, "score", "'score' must be 1 to 5");
	if (!comment)
		comment = "";
	if ((rc = dom_check_text(c, "comment", comment, FEEDBACK_MAX_COMMENT, 0)))
		return rc;
	struct enquiry_row row;
	if ((rc = enquiry_load(c, enquiry_id, &row)))
		return rc;
	if (strcmp(row.status, "resolved") != 0 && strcmp(row.status, "closed") != 0)
		return err_set(c->e, KERR_STATE, "status",
			       "the help can be rated once the enquiry is resolved");
	int64_t one;
	rc = db_one_i64(c->db, c->e, &one, SQL_GIVEN, DB_ARGS(enquiry_id));
	if (rc == KERR_OK)
		return err_set(c->e, KERR_CONFLICT, "id",
			       "the help with this enquiry is rated already");
	if (rc != KERR_NOT_FOUND)
		return rc;
	if ((rc = db_exec(c->db, c->e, SQL_INSERT,
			  DB_ARGS(enquiry_id, row.customer_id, score, comment, c->now))))
		return rc;
	return audit_append(
	    c, "enquiry.feedback", "enquiry", enquiry_id,
	    json_pack("{s:I,s:b}", "score", (json_int_t)score, "comment", *comment != '\0'));
}

struct read_arg {
	struct feedback *f;
	int64_t customer_id;
};

static void read_row(struct dctx *c, struct db_stmt *st, void *out)
{
	struct read_arg *x = out;
	x->f->enquiry_id = db_col_i64(st, 0);
	x->f->score = db_col_i64(st, 1);
	x->f->comment = dom_col_str(c, st, 2);
	x->f->created_at = db_col_i64(st, 3);
	x->customer_id = db_col_i64(st, 4);
}

enum kerr feedback_get(struct dctx *c, int64_t enquiry_id, struct feedback *out, int *found)
{
	enum kerr rc = dom_require(c, ROLE_CUSTOMER | ROLES_STAFF);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	struct read_arg x = {out, 0};
	if ((rc = dom_fetch(c, SQL_GET, enquiry_id, read_row, &x, found)))
		return rc;
	if (*found && c->who->role == ROLE_CUSTOMER && x.customer_id != c->who->customer_id)
		*found = 0;
	return KERR_OK;
}
