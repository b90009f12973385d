/*
 * desk.c - the agent desk's enquiry page: the order and enquiry at a
 * glance, the whole thread with each message's audience shown (customer-
 * visible, internal, to the vendor, from the vendor), what screening found
 * in a vendor's text marked, files, the vendor requests, and the actions:
 * a reply to the customer or an internal note, asking the vendor, the
 * status and the assignee.
 */
#include <stdio.h>
#include <string.h>

#include "domain/auth.h"
#include "domain/enquiry.h"
#include "domain/feedback.h"
#include "domain/vreq.h"
#include "domain/message.h"
#include "domain/refund.h"
#include "domain/template.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

/* Each audience as the desk names it, and the class that colours it. */
static const char *const audiences[][3] = {
    {"customer", "Customer-visible", "aud-customer"},
    {"internal", "Internal note", "aud-internal"},
    {"to_vendor", "To the vendor", "aud-to-vendor"},
    {"from_vendor", "From the vendor", "aud-from-vendor"},
};

static const char *const *audience_of(const char *code)
{
	for (size_t i = 0; i < sizeof(audiences) / sizeof(audiences[0]); i++)
		if (code && strcmp(audiences[i][0], code) == 0)
			return audiences[i];
	return audiences[1];
}

static void message_html(struct req *r, struct buf *b, const struct message *m)
{
	const char *const *aud = audience_of(m->audience);
	html_raw(b, "<li class=\"msg ");
	html_attr(b, aud[2]);
	html_raw(b, "\"><p class=\"who\"><span class=\"aud\">");
	html_txt(b, aud[1]);
	html_raw(b, "</span> <strong>");
	html_txt(b, m->author_name);
	html_raw(b, "</strong> <time>");
	html_txt(b, page_time(r, m->created_at));
	html_raw(b, "</time></p><p class=\"body\">");
	page_marked_text(r, b, m->body, m->findings);
	html_raw(b, "</p>");
	if (m->findings && strcmp(m->findings, "[]") != 0)
		html_raw(b, "<p class=\"problem\">Screening found contact details or an "
			    "invitation to talk elsewhere (marked). The customer never sees this "
			    "text.</p>");
	page_files_list(b, m->files, m->nfiles);
	html_raw(b, "</li>");
}

/* What was typed into the page's forms and what is wrong with it, to show the page again. */
struct desk_typed {
	/* the message form */
	const char *text, *audience, *problem, *files_problem;
	/* asking the vendor */
	const char *question, *due, *question_problem, *due_problem, *evidence_problem;
	const char *const *evidence; /* the kinds ticked */
	int nevidence;
	const struct vreq_screened *asked; /* a request just made: what the vendor does not see */
	/* the status and the assignee */
	const char *status_problem, *assign_problem;
	/* refunding */
	const char *amount, *charged_to, *refund_reason, *amount_problem, *refund_problem;
};

/* What the page reads besides the thread: the enquiry's vendor requests and who may be assigned. */
struct desk_extra {
	int64_t id;
	struct vreq *reqs;
	int nreqs, more;
	struct user *staff;
	int nstaff;
	struct feedback feedback; /* the customer's rating of the help, when rated */
	int rated;
	int64_t order_id, refundable; /* the order, and what of it is not refunded yet */
	const char *currency;
	const struct enquiry *q;    /* the enquiry, read with the thread */
	struct template *templates; /* the saved replies and requests for its category */
	int ntemplates;
	int64_t use; /* a template to fill in (?reply= or ?request=), or 0 */
	const char *filled, *filled_kind;
};

/* The enquiry with its thread, and then what else the page shows, in one read. */
struct desk_read {
	struct page_thread th;
	struct desk_extra x;
};

static enum kerr extra_fn(struct dctx *c, void *arg)
{
	struct desk_read *d = arg;
	struct desk_extra *x = &d->x;
	enum kerr rc = page_thread_read(c, &d->th);
	if (rc)
		return rc;
	x->order_id = d->th.q.order_id;
	x->q = &d->th.q;
	struct vreq_filter f = {.state = "all", .enquiry_id = x->id, .limit = 50};
	rc = vreq_list(c, &f, &x->reqs, &x->nreqs, &x->more);
	if (!rc)
		rc = feedback_get(c, x->id, &x->feedback, &x->rated);
	if (!rc)
		rc = refund_left(c, x->order_id, &x->refundable, &x->currency);
	if (!rc)
		rc = template_list(c, NULL, x->q->category, &x->templates, &x->ntemplates);
	if (!rc && x->use)
		rc = template_fill(c, x->use, x->q, &x->filled, &x->filled_kind);
	return rc ? rc : auth_staff_list(c, &x->staff, &x->nstaff);
}

/* Links that put a template of kind, filled in, into its form. */
static void templates_html(struct buf *b, int64_t id, const struct desk_extra *x, const char *kind,
			   const char *label)
{
	int any = 0;
	for (int i = 0; i < x->ntemplates; i++) {
		const struct template *t = &x->templates[i];
		if (strcmp(t->kind, kind) != 0)
			continue;
		if (!any++) {
			html_raw(b, "<nav class=\"templates\" aria-label=\"");
			html_attr(b, label);
			html_raw(b, "\"><span>");
			html_txt(b, label);
			html_raw(b, ":</span> ");
		}
		char href[96];
		snprintf(href, sizeof(href), "/desk/enquiries/%lld?template=%lld#%s", (long long)id,
			 (long long)t->id, strcmp(kind, "reply") == 0 ? "body" : "question");
		html_raw(b, "<a href=\"");
		html_attr(b, href);
		html_raw(b, "\">");
		html_txt(b, t->name);
		html_raw(b, "</a> ");
	}
	if (any)
		html_raw(b, "</nav>");
}

static int ticked(const struct desk_typed *t, const char *kind)
{
	for (int i = 0; t && i < t->nevidence; i++)
		if (strcmp(t->evidence[i], kind) == 0)
			return 1;
	return 0;
}

static void requests_html(struct req *r, struct buf *b, const struct desk_extra *x)
{
	html_raw(b, "<h2 id=\"requests\">Vendor requests</h2>");
	if (!x->nreqs) {
		html_raw(b, "<p class=\"empty\">The vendor has not been asked.</p>");
		return;
	}
	html_raw(b, "<table><caption>Requests to the vendor, earliest due first</caption><thead>"
		    "<tr><th scope=\"col\">Asked</th><th scope=\"col\">State</th><th "
		    "scope=\"col\">Due</th><th scope=\"col\">Time</th></tr></thead><tbody>");
	for (int i = 0; i < x->nreqs; i++) {
		const struct vreq *v = &x->reqs[i];
		int pending = strcmp(v->state, "open") == 0 || strcmp(v->state, "overdue") == 0;
		html_raw(b, "<tr><td data-label=\"Asked\">");
		html_txt(b, page_time(r, v->created_at));
		html_raw(b, "</td><td data-label=\"State\">");
		html_txt(b, page_words(r, v->state));
		html_raw(b, "</td><td data-label=\"Due\">");
		html_txt(b, page_time(r, v->due_at));
		html_raw(b, "</td><td data-label=\"Time\">");
		if (pending)
			page_countdown(r, b, v->due_at);
		else
			html_txt(b, "—");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table>");
}

/* The form that asks the vendor: the question, the evidence wanted, the due time. */
static void ask_form(struct req *r, struct buf *b, int64_t id, const struct desk_extra *x,
		     const struct desk_typed *t)
{
	char action[64];
	snprintf(action, sizeof(action), "/desk/enquiries/%lld/ask", (long long)id);
	int open =
	    t && (t->question_problem || t->due_problem || t->evidence_problem || t->question);
	html_raw(b, open ? "<details class=\"action\" id=\"ask\" open>"
			 : "<details class=\"action\" id=\"ask\">");
	html_raw(b, "<summary>Ask the vendor</summary>");
	templates_html(b, id, x, "request", "Templates");
	page_form_begin(r, b, action, "reply");
	page_field(b, FIELD_TEXTAREA, "question", "Question for the vendor", t ? t->question : NULL,
		   5000, t ? t->question_problem : NULL);
	html_raw(b, "<fieldset><legend>Evidence wanted</legend>");
	for (const char *const *k = vreq_evidence_kinds; *k; k++) {
		html_raw(b, "<label><input type=\"checkbox\" name=\"evidence\" value=\"");
		html_attr(b, *k);
		html_raw(b, ticked(t, *k) ? "\" checked> " : "\"> ");
		html_txt(b, *k);
		html_raw(b, "</label> ");
	}
	html_raw(b, "</fieldset>");
	page_problem(b, "evidence", t ? t->evidence_problem : NULL);
	html_raw(b, "<p class=\"field\"><label for=\"due_in_hours\">Answer due in hours <span "
		    "class=\"hint\">(1 to 336; empty: ");
	buf_printf(b, "%lld", (long long)r->app->cfg->vendor_due_hours);
	html_raw(b, ")</span></label><input type=\"number\" id=\"due_in_hours\" "
		    "name=\"due_in_hours\" min=\"1\" max=\"336\" inputmode=\"numeric\" value=\"");
	html_attr(b, t && t->due ? t->due : "");
	html_raw(b, "\"");
	if (t && t->due_problem)
		html_raw(b, " aria-invalid=\"true\" aria-describedby=\"due_in_hours-error\"");
	html_raw(b, "></p>");
	page_problem(b, "due_in_hours", t ? t->due_problem : NULL);
	html_raw(b, "<p><button type=\"submit\">Send to the vendor</button></p></form></details>");
}

/* The refund form: how much (in the currency's units), who pays, why. */
static void refund_form(struct req *r, struct buf *b, int64_t id, const struct desk_extra *x,
			const struct desk_typed *t)
{
	int open = t && (t->amount_problem || t->refund_problem);
	html_raw(b, open ? "<details class=\"action\" id=\"refund\" open>"
			 : "<details class=\"action\" id=\"refund\">");
	html_raw(b, "<summary>Refund</summary>");
	if (x->refundable <= 0) {
		html_raw(b, "<p>The order is refunded in full.</p></details>");
		return;
	}
	html_raw(b, "<p>Up to ");
	html_txt(b, refund_amount_text(&r->a, x->refundable, x->currency));
	html_raw(b, " can still be refunded. The customer is told at once.</p>");
	char action[64];
	snprintf(action, sizeof(action), "/desk/enquiries/%lld/refund", (long long)id);
	page_form_confirm(r, b, action, "reply", "Refund this amount to the customer now?");
	page_field(b, FIELD_TEXT, "amount", arena_printf(&r->a, "Amount (%s)", x->currency),
		   t ? t->amount : NULL, 24, t ? t->amount_problem : NULL);
	int operator_pays = t && t->charged_to && strcmp(t->charged_to, "operator") == 0;
	html_raw(b, "<fieldset><legend>Who pays</legend><label><input type=\"radio\" "
		    "name=\"charged_to\" value=\"vendor\"");
	html_raw(b, operator_pays ? ">" : " checked>");
	html_raw(b, " The vendor</label> <label><input type=\"radio\" name=\"charged_to\" "
		    "value=\"operator\"");
	html_raw(b, operator_pays ? " checked>" : ">");
	html_raw(b, " The marketplace (goodwill)</label></fieldset>");
	page_field(b, FIELD_TEXT, "refund_reason", "Reason", t ? t->refund_reason : NULL, 500,
		   t ? t->refund_problem : NULL);
	html_raw(b, "<p><button type=\"submit\">Refund</button></p></form></details>");
}

/* The status and assignee forms. */
static void handling_forms(struct req *r, struct buf *b, const struct enquiry *q,
			   const struct desk_extra *x, const struct desk_typed *t)
{
	static const char *const settable[] = {"open", "awaiting_customer", "resolved", NULL};
	char action[64];
	snprintf(action, sizeof(action), "/desk/enquiries/%lld/status", (long long)q->id);
	html_raw(b, "<div class=\"actions\">");
	page_form_begin(r, b, action, "inline");
	page_select(r, b, "status", "Status", settable, q->status, t ? t->status_problem : NULL);
	html_raw(b, "<p><button type=\"submit\">Set the status</button></p></form>");
	snprintf(action, sizeof(action), "/desk/enquiries/%lld/assign", (long long)q->id);
	page_form_begin(r, b, action, "inline");
	html_raw(b, "<p class=\"field\"><label for=\"assignee\">Assignee</label><select "
		    "id=\"assignee\" name=\"assignee\"");
	if (t && t->assign_problem)
		html_raw(b, " aria-invalid=\"true\" aria-describedby=\"assignee-error\"");
	html_raw(b, "><option value=\"0\">Nobody</option>");
	for (int i = 0; i < x->nstaff; i++) {
		const struct user *u = &x->staff[i];
		buf_printf(b, "<option value=\"%lld\"%s>", (long long)u->id,
			   u->id == q->assignee_id ? " selected" : "");
		html_txt(b, u->name);
		html_txt(b, u->id == r->who.user_id ? " (me)" : "");
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></p>");
	page_problem(b, "assignee", t ? t->assign_problem : NULL);
	html_raw(b, "<p><button type=\"submit\">Assign</button></p></form></div>");
}

/* The page, with what was typed and its problems (t), or NULL. */
static void desk_page(struct req *r, int64_t id, int status, const struct desk_typed *t)
{
	struct desk_read d = {.th = {.id = id}, .x = {.id = id}};
	const char *use = req_query(r, "template");
	if (!t && use && parse_i64(slice_from(use), 1, INT64_MAX, &d.x.use)) {
		page_error(r, 400, "No such template", "A template is chosen by its number.");
		return;
	}
	if (!page_read_or_reply(r, extra_fn, &d,
				d.x.use ? "There is no such enquiry, or no such template for it."
					: "There is no such enquiry."))
		return;
	struct desk_typed filled = {0};
	if (d.x.filled) { /* a template chosen: its text in its form, to edit and send */
		int reply = strcmp(d.x.filled_kind, "reply") == 0;
		filled.text = reply ? d.x.filled : NULL;
		filled.question = reply ? NULL : d.x.filled;
		t = &filled;
	}
	const struct enquiry *q = &d.th.q;
	struct buf b;
	page_begin(r, &b, q->subject);
	html_raw(&b, "<p><a href=\"/desk\">Back to the queue</a></p><h1>");
	html_txt(&b, q->subject);
	html_raw(&b, "</h1>");
	if (t && t->asked) {
		html_raw(&b, "<div class=\"notice\" role=\"status\"><p>The request was sent. ");
		if (t->asked->n) {
			html_raw(&b, "The vendor does not see the customer's contact details in "
				     "it:</p><ul>");
			for (int i = 0; i < t->asked->n; i++) {
				html_raw(&b, "<li>");
				html_txt(&b, t->asked->findings[i].excerpt);
				html_raw(&b, "</li>");
			}
			html_raw(&b, "</ul><p>The vendor reads: ");
			html_txt(&b, t->asked->vendor_sees);
		}
		html_raw(&b, "</p></div>");
	}
	html_raw(&b, "<dl class=\"facts\">");
	page_fact(&b, "Order", q->order_number);
	page_fact(&b, "Customer", q->customer_name);
	page_fact_to(&b, "Shop", arena_printf(&r->a, "/desk/vendors/%lld", (long long)q->vendor_id),
		     q->shop_name);
	page_fact(&b, "Category", page_words(r, q->category));
	page_fact(&b, "Status", page_words(r, q->status));
	page_fact(&b, "Priority", q->priority);
	page_fact(&b, "Queue", q->queue);
	page_fact(&b, "Reply", page_words(r, q->reply_state));
	page_fact(&b, "Assignee", q->assignee_name);
	page_fact(&b, "Vendor answer due", page_time(r, q->due_at));
	if (d.x.rated)
		page_fact(&b, "Customer's rating",
			  arena_printf(&r->a, "%lld of 5%s%s", (long long)d.x.feedback.score,
				       *d.x.feedback.comment ? ": " : "", d.x.feedback.comment));
	html_raw(&b, "</dl>");
	handling_forms(r, &b, q, &d.x, t);
	html_raw(&b, "<h2>Thread</h2><ol class=\"thread\" aria-label=\"Thread\">");
	for (int i = 0; i < d.th.n; i++)
		message_html(r, &b, &d.th.msgs[i]);
	html_raw(&b, "</ol>");
	char action[64];
	snprintf(action, sizeof(action), "/desk/enquiries/%lld/messages", (long long)id);
	page_files_form_begin(r, &b, action, "reply");
	int note = t && t->audience && strcmp(t->audience, "internal") == 0;
	html_raw(&b, "<fieldset><legend>Write</legend><label><input type=\"radio\" "
		     "name=\"audience\" value=\"customer\"");
	html_raw(&b, note ? ">" : " checked>");
	html_raw(&b, " A reply to the customer</label> <label><input type=\"radio\" "
		     "name=\"audience\" value=\"internal\"");
	html_raw(&b, note ? " checked>" : ">");
	html_raw(&b, " An internal note</label></fieldset>");
	templates_html(&b, id, &d.x, "reply", "Saved replies");
	page_message_field(&b, "Message", t ? t->text : NULL, t ? t->problem : NULL);
	page_files_field(&b, "Photos or documents", t ? t->files_problem : NULL);
	html_raw(&b, "<p><button type=\"submit\">Send</button></p></form>");
	requests_html(r, &b, &d.x);
	ask_form(r, &b, id, &d.x, t);
	refund_form(r, &b, id, &d.x, t);
	page_end(r, &b, status);
}

void web_desk_enquiry(struct req *r)
{
	int64_t id;
	if (page_require(r, ROLES_STAFF) && (id = page_id_or_reply(r, 0)))
		desk_page(r, id, 200, NULL);
}

/* Back to the enquiry at anchor after an action. */
static void back(struct req *r, int64_t id, const char *anchor)
{
	char to[96];
	snprintf(to, sizeof(to), "/desk/enquiries/%lld#%s", (long long)id, anchor);
	page_redirect(r, to);
}

/* An action that failed with rc: 404, the page again with typed t when it names a problem,
 * else 503 saying what could not be done. */
static void refused(struct req *r, int64_t id, enum kerr rc, const struct desk_typed *t, int shown,
		    const char *what)
{
	if (rc == KERR_NOT_FOUND && strcmp(r->err.field, "id") == 0)
		page_error(r, 404, "Not found", "There is no such enquiry.");
	else if (shown)
		desk_page(r, id, page_problem_status(rc), t);
	else
		page_error(r, 503, "Not available", what);
}

struct post {
	int64_t id;
	const char *audience, *body;
	struct upload *files;
	int nfiles;
};

static enum kerr post_fn(struct dctx *c, void *arg)
{
	struct post *x = arg;
	return message_post(c, x->id, x->audience, x->body, x->files, x->nfiles, NULL, NULL);
}

void web_desk_message(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLES_STAFF) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *body = form_get(&f, "body"), *audience = form_get(&f, "audience");
	struct post x = {id, audience ? audience : "customer", body ? body : "", NULL, 0};
	x.nfiles = page_uploads(r, &f, &x.files);
	enum kerr rc = page_write(r, post_fn, &x);
	if (!rc) {
		back(r, id, "main");
		return;
	}
	struct desk_typed t = {.text = x.body, .audience = x.audience};
	t.files_problem = page_files_problem(r, rc);
	t.problem = t.files_problem ? NULL : page_message_problem(r, rc, x.body, "message");
	refused(r, id, rc, &t, t.problem || t.files_problem,
		"The message could not be sent just now.");
}

struct ask {
	int64_t id;
	struct vreq_in in;
	struct vreq_screened found;
};

static enum kerr ask_fn(struct dctx *c, void *arg)
{
	struct ask *x = arg;
	int64_t vid;
	return vreq_create(c, x->id, &x->in, &vid, &x->found);
}

void web_desk_ask(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLES_STAFF) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	struct desk_typed t = {0};
	const char **kinds = arena_calloc(&r->a, (size_t)f.n + 1, sizeof(*kinds));
	for (int i = 0; i < f.n; i++)
		if (strcmp(f.names[i], "evidence") == 0)
			kinds[t.nevidence++] = f.values[i];
	t.evidence = kinds;
	t.question = form_get(&f, "question");
	t.due = form_get(&f, "due_in_hours");
	struct ask x = {id, {t.question ? t.question : "", kinds, t.nevidence, 0}, {0}};
	int64_t hours = 0;
	if (t.due && *t.due && parse_i64(slice_from(t.due), 1, 336, &hours)) {
		t.due_problem = "Give the hours as a whole number from 1 to 336.";
		desk_page(r, id, 400, &t);
		return;
	}
	x.in.due_in_hours = hours;
	enum kerr rc = page_write(r, ask_fn, &x);
	if (!rc && !x.found.n) {
		back(r, id, "requests");
		return;
	}
	if (!rc) {
		t = (struct desk_typed){.asked = &x.found};
		desk_page(r, id, 201, &t);
		return;
	}
	const char *field = r->err.field;
	if (strcmp(field, "question") == 0)
		t.question_problem = rc == KERR_BAD_VALUE && *x.in.question
					 ? "The question is too long: 5,000 characters at most."
					 : page_message_problem(r, rc, x.in.question, "question");
	else if (strncmp(field, "evidence", 8) == 0)
		t.evidence_problem = r->err.msg[0] ? r->err.msg : "Choose the evidence again.";
	else if (strcmp(field, "due_in_hours") == 0)
		t.due_problem = "Give the hours as a whole number from 1 to 336.";
	else if (rc == KERR_STATE || rc == KERR_CONFLICT)
		t.question_problem = r->err.msg[0] ? r->err.msg : "The vendor cannot be asked now.";
	refused(r, id, rc, &t, t.question_problem || t.evidence_problem || t.due_problem,
		"The request could not be sent just now.");
}

struct set_status {
	int64_t id;
	const char *status;
};

static enum kerr status_fn(struct dctx *c, void *arg)
{
	struct set_status *x = arg;
	return enquiry_set_status(c, x->id, x->status);
}

void web_desk_status(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLES_STAFF) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *status = form_get(&f, "status");
	struct set_status x = {id, status && *status ? status : NULL};
	enum kerr rc = page_write(r, status_fn, &x);
	if (!rc) {
		back(r, id, "main");
		return;
	}
	struct desk_typed t = {0};
	if (rc == KERR_STATE || strcmp(r->err.field, "status") == 0)
		t.status_problem =
		    rc == KERR_STATE && r->err.msg[0] ? r->err.msg : "Choose a status.";
	refused(r, id, rc, &t, t.status_problem != NULL, "The status could not be set just now.");
}

struct assign {
	int64_t id, assignee;
};

static enum kerr assign_fn(struct dctx *c, void *arg)
{
	struct assign *x = arg;
	return enquiry_assign(c, x->id, x->assignee);
}

void web_desk_assign(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLES_STAFF) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *who = form_get(&f, "assignee");
	struct assign x = {id, 0};
	struct desk_typed t = {0};
	enum kerr rc = KERR_BAD_VALUE;
	if (!who || parse_i64(slice_from(who), 0, INT64_MAX, &x.assignee))
		t.assign_problem = "Choose who takes the enquiry.";
	else if ((rc = page_write(r, assign_fn, &x)) == KERR_OK) {
		back(r, id, "main");
		return;
	} else if (strcmp(r->err.field, "assignee_id") == 0 || rc == KERR_STATE) {
		t.assign_problem = r->err.msg[0] ? r->err.msg : "That person cannot take it.";
	}
	refused(r, id, rc, &t, t.assign_problem != NULL, "The enquiry could not be assigned now.");
}

struct refund_arg {
	int64_t id;
	const char *amount;
	struct refund_in in;
};

static enum kerr refund_fn(struct dctx *c, void *arg)
{
	struct refund_arg *x = arg;
	struct enquiry q;
	int64_t left = 0;
	const char *currency = "";
	enum kerr rc = enquiry_get(c, x->id, &q);
	if (rc || (rc = refund_left(c, q.order_id, &left, &currency)))
		return rc;
	if (refund_parse_amount(x->amount, currency, &x->in.amount))
		return err_set(c->e, KERR_BAD_VALUE, "amount", "not an amount of %s", currency);
	struct refund made;
	return refund_by_agent(c, x->id, &x->in, &made);
}

void web_desk_refund(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLES_STAFF) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	struct desk_typed t = {.amount = form_get(&f, "amount"),
			       .charged_to = form_get(&f, "charged_to"),
			       .refund_reason = form_get(&f, "refund_reason")};
	struct refund_arg x = {
	    id,
	    t.amount ? t.amount : "",
	    {0, t.charged_to ? t.charged_to : "", t.refund_reason ? t.refund_reason : ""}};
	enum kerr rc = page_write(r, refund_fn, &x);
	if (!rc) {
		back(r, id, "refund");
		return;
	}
	const char *field = r->err.field;
	if (strcmp(field, "amount") == 0)
		t.amount_problem = "Give an amount no more than can still be refunded, such as "
				   "12.50.";
	else if (strcmp(field, "reason") == 0)
		t.refund_problem = *x.in.reason ? "The reason is too long: 500 characters at most."
						: "Give the reason for the refund.";
	else if (strcmp(field, "charged_to") == 0 || rc == KERR_STATE)
		t.refund_problem = r->err.msg[0] ? r->err.msg : "This refund cannot be made.";
	refused(r, id, rc, &t, t.amount_problem || t.refund_problem,
		"The refund could not be made just now.");
}
