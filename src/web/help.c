/*
 * help.c - the help centre's enquiry page: the conversation between the
 * customer and the operator (the domain leaves out anything of the
 * vendor's), a reply, and reopening a resolved enquiry within its window.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/enquiry.h"
#include "domain/feedback.h"
#include "domain/order.h"
#include "domain/refund.h"
#include "domain/message.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

struct rated {
	int64_t id;
	struct feedback f;
	int found;
};

static enum kerr rated_fn(struct dctx *c, void *arg)
{
	struct rated *x = arg;
	return feedback_get(c, x->id, &x->f, &x->found);
}

/* What was typed into the rating form and what is wrong with it. */
struct rating_typed {
	const char *score, *comment, *problem;
};

/* The rating of the help: what was given, or the form to give it. */
static void rating_html(struct req *r, struct buf *b, int64_t id, const struct rated *x,
			const struct rating_typed *t)
{
	if (x->found) {
		html_raw(b,
			 "<section class=\"rated\" aria-labelledby=\"rated\"><h2 id=\"rated\">Your "
			 "rating</h2><p>");
		buf_printf(b, "You rated the help %lld of 5.", (long long)x->f.score);
		html_raw(b, "</p>");
		if (*x->f.comment) {
			html_raw(b, "<p class=\"body msg\">");
			html_txt(b, x->f.comment);
			html_raw(b, "</p>");
		}
		html_raw(b, "</section>");
		return;
	}
	char action[64];
	snprintf(action, sizeof(action), "/help/enquiries/%lld/feedback", (long long)id);
	html_raw(b, "<h2>How was our help?</h2>");
	page_form_begin(r, b, action, "reply");
	html_raw(b, "<fieldset");
	if (t && t->problem)
		html_raw(b, " aria-describedby=\"score-error\"");
	html_raw(b, "><legend>Your rating, 1 (poor) to 5 (excellent)</legend>");
	for (int i = 1; i <= 5; i++) {
		char v[2] = {(char)('0' + i), 0};
		buf_printf(b,
			   "<label><input type=\"radio\" name=\"score\" value=\"%d\" required%s> "
			   "%d</label> ",
			   i, t && t->score && strcmp(t->score, v) == 0 ? " checked" : "", i);
	}
	html_raw(b, "</fieldset>");
	page_problem(b, "score", t ? t->problem : NULL);
	html_raw(b, "<p class=\"field\"><label for=\"comment\">Comment <span class=\"hint\">"
		    "(optional)</span></label><textarea id=\"comment\" name=\"comment\" rows=\"3\" "
		    "maxlength=\"2000\">");
	html_txt(b, t ? t->comment : NULL);
	html_raw(b,
		 "</textarea></p><p><button type=\"submit\">Send the rating</button></p></form>");
}

/* The enquiry's page; reply is the typed reply to keep, problem what is wrong with it,
 * files_problem what is wrong with the files sent with it; rt what was typed into the
 * rating form. */
static void enquiry_page_rated(struct req *r, int64_t id, int status, const char *reply,
			       const char *problem, const char *files_problem,
			       const struct rating_typed *rt)
{
	struct page_thread t = {.id = id};
	if (!page_thread_or_reply(r, &t, "There is no such enquiry among yours."))
		return;
	struct rated fb = {.id = id};
	if (!page_read_or_reply(r, rated_fn, &fb, NULL))
		return;
	struct buf b;
	page_begin(r, &b, t.q.subject);
	html_raw(&b, "<p><a href=\"/help\">All my enquiries</a></p><h1>");
	html_txt(&b, t.q.subject);
	html_raw(&b, "</h1><p class=\"meta\">Order ");
	html_txt(&b, t.q.order_number);
	html_raw(&b, " · <span class=\"status\">");
	html_txt(&b, strcmp(t.q.status, "awaiting_customer") == 0 ? "waiting for your answer"
								  : t.q.status);
	html_raw(&b, "</span></p><ol class=\"thread\" aria-label=\"Conversation\">");
	for (int i = 0; i < t.n; i++) {
		const struct message *m = &t.msgs[i];
		html_raw(&b, m->mine ? "<li class=\"msg mine\"" : "<li class=\"msg\"");
		if (i == t.n - 1)
			html_raw(&b, " id=\"latest\"");
		html_raw(&b, "><p class=\"who\"><strong>");
		html_txt(&b, m->mine ? "You" : m->author_name);
		html_raw(&b, "</strong> <time>");
		html_txt(&b, page_time(r, m->created_at));
		html_raw(&b, "</time></p><p class=\"body\">");
		html_txt(&b, m->body);
		html_raw(&b, "</p>");
		page_files_list(&b, m->files, m->nfiles);
		html_raw(&b, "</li>");
	}
	html_raw(&b, "</ol>");
	int settled = strcmp(t.q.status, "resolved") == 0 || strcmp(t.q.status, "closed") == 0;
	if (!settled) {
		char action[64];
		snprintf(action, sizeof(action), "/help/enquiries/%lld/reply", (long long)id);
		page_files_form_begin(r, &b, action, "reply");
		page_message_field(&b, "Your reply", reply, problem);
		page_files_field(&b, "Photos", files_problem);
		html_raw(&b, "<p><button type=\"submit\">Send reply</button></p></form>");
		page_end(r, &b, status);
		return;
	}
	rating_html(r, &b, id, &fb, rt);
	if (t.q.reopen_until > clock_now_ms()) {
		char action[64];
		snprintf(action, sizeof(action), "/help/enquiries/%lld/reopen", (long long)id);
		html_raw(&b,
			 "<p>This enquiry is resolved. Not settled after all? You can reopen it "
			 "until ");
		html_txt(&b, page_time(r, t.q.reopen_until));
		html_raw(&b, ".</p>");
		page_form_begin(r, &b, action, NULL);
		html_raw(&b, "<p><button type=\"submit\">Reopen the enquiry</button></p></form>");
	} else {
		html_raw(&b,
			 "<p>This enquiry is closed. Raise a new one if you need more help.</p>");
	}
	page_end(r, &b, status);
}

static void enquiry_page(struct req *r, int64_t id, int status, const char *reply,
			 const char *problem, const char *files_problem)
{
	enquiry_page_rated(r, id, status, reply, problem, files_problem, NULL);
}

void web_help_enquiry(struct req *r)
{
	int64_t id;
	if (page_require(r, ROLE_CUSTOMER) && (id = page_id_or_reply(r, 0)))
		enquiry_page(r, id, 200, NULL, NULL, NULL);
}

struct reply {
	int64_t id;
	const char *body;
	struct upload *files;
	int nfiles;
};

static enum kerr reply_fn(struct dctx *c, void *arg)
{
	struct reply *x = arg;
	return message_post(c, x->id, "customer", x->body, x->files, x->nfiles, NULL, NULL);
}

void web_help_reply(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLE_CUSTOMER) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *body = form_get(&f, "body");
	struct reply x = {id, body ? body : "", NULL, 0};
	x.nfiles = page_uploads(r, &f, &x.files);
	enum kerr rc = page_write(r, reply_fn, &x);
	if (!rc) {
		char to[80];
		snprintf(to, sizeof(to), "/help/enquiries/%lld#latest", (long long)id);
		page_redirect(r, to);
		return;
	}
	const char *files_problem = page_files_problem(r, rc);
	const char *problem = files_problem ? NULL : page_message_problem(r, rc, x.body, "reply");
	if (rc == KERR_NOT_FOUND)
		page_error(r, 404, "Not found", "There is no such enquiry among yours.");
	else if (problem || files_problem)
		enquiry_page(r, id, page_problem_status(rc), x.body, problem, files_problem);
	else
		page_error(r, 503, "Not available",
			   "Your reply could not be sent just now. Try again.");
}

static enum kerr reopen_fn(struct dctx *c, void *arg)
{
	return enquiry_reopen(c, *(int64_t *)arg);
}

void web_help_reopen(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLE_CUSTOMER) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	enum kerr rc = page_write(r, reopen_fn, &id);
	char to[80];
	snprintf(to, sizeof(to), "/help/enquiries/%lld", (long long)id);
	if (!rc)
		page_redirect(r, to);
	else if (rc == KERR_NOT_FOUND)
		page_error(r, 404, "Not found", "There is no such enquiry among yours.");
	else if (rc == KERR_STATE)
		page_error(r, 409, "Not reopened",
			   r->err.msg[0] ? r->err.msg : "The enquiry cannot be reopened now.");
	else
		page_error(r, 503, "Not available", "The enquiry could not be reopened just now.");
}

/* ---- raising an enquiry about an order ---- */

struct raise {
	int64_t order_id;
	struct order order;
	struct enquiry_in in;
	int64_t id; /* the enquiry opened */
};

static enum kerr order_fn(struct dctx *c, void *arg)
{
	struct raise *x = arg;
	return order_get(c, x->order_id, &x->order);
}

static enum kerr raise_fn(struct dctx *c, void *arg)
{
	struct raise *x = arg;
	return enquiry_open(c, &x->in, &x->id);
}

/* The order's facts: number, shop, date, what was bought, the total. */
static void order_facts(struct req *r, struct buf *b, const struct order *o)
{
	html_raw(b, "<dl class=\"facts\">");
	page_fact(b, "Order", o->number);
	page_fact(b, "Shop", o->shop_name);
	page_fact(b, "Placed", page_time(r, o->placed_at ? o->placed_at : o->created_at));
	struct buf items;
	buf_init(&items, 0);
	json_t *arr = json_loads(o->items_json ? o->items_json : "[]", 0, NULL);
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it)
	{
		const char *name = json_string_value(json_object_get(it, "name"));
		json_int_t qty = json_integer_value(json_object_get(it, "quantity"));
		buf_printf(&items, "%s%lld × %s", i ? ", " : "", (long long)qty, name ? name : "?");
	}
	json_decref(arr);
	page_fact(b, "Items", arena_strdup(&r->a, buf_cstr(&items)));
	buf_free(&items);
	page_fact(b, "Total", refund_amount_text(&r->a, o->amount, o->currency));
	html_raw(b, "</dl>");
}

/* What the form says about a field the domain refused, beside that field. */
struct raise_problems {
	const char *category, *subject, *message, *files, *general;
};

/* The form to raise an enquiry about x's order, with what was typed and its problems. */
static void raise_page(struct req *r, struct raise *x, int status, const struct raise_problems *p)
{
	if (!page_read_or_reply(r, order_fn, x, "There is no such order among yours."))
		return;
	struct buf b;
	const char *title = arena_printf(&r->a, "Ask about order %s", x->order.number);
	page_begin(r, &b, title);
	html_raw(&b, "<p><a href=\"/help\">All my enquiries</a></p><h1>");
	html_txt(&b, title);
	html_raw(&b, "</h1>");
	order_facts(r, &b, &x->order);
	if (p && p->general) {
		html_raw(&b, "<div class=\"problem\" role=\"alert\"><p>");
		html_txt(&b, p->general);
		html_raw(&b, "</p></div>");
	}
	char action[64];
	snprintf(action, sizeof(action), "/help/orders/%lld/enquiry", (long long)x->order_id);
	page_files_form_begin(r, &b, action, "reply");
	page_select(r, &b, "category", "What is it about?", enquiry_categories, x->in.category,
		    p ? p->category : NULL);
	page_field(&b, FIELD_TEXT, "subject", "Subject", x->in.subject, 200, p ? p->subject : NULL);
	page_field(&b, FIELD_TEXTAREA, "message", "Your message", x->in.message, ENQUIRY_MAX_BODY,
		   p ? p->message : NULL);
	page_files_field(&b, "Photos", p ? p->files : NULL);
	html_raw(&b, "<p><button type=\"submit\">Send to support</button></p></form>");
	page_end(r, &b, status);
}

void web_help_new(struct req *r)
{
	struct raise x = {0};
	if (page_require(r, ROLE_CUSTOMER) && (x.order_id = page_id_or_reply(r, 0)))
		raise_page(r, &x, 200, NULL);
}

void web_help_open(struct req *r)
{
	struct form f;
	struct raise x = {0};
	if (!page_require(r, ROLE_CUSTOMER) || !(x.order_id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *v;
	x.in.order_id = x.order_id;
	x.in.category = (v = form_get(&f, "category")) && *v ? v : NULL;
	x.in.subject = (v = form_get(&f, "subject")) ? v : "";
	x.in.message = (v = form_get(&f, "message")) ? v : "";
	struct upload *files;
	x.in.nfiles = page_uploads(r, &f, &files);
	x.in.files = files;
	enum kerr rc = page_write(r, raise_fn, &x);
	if (!rc) {
		char to[64];
		snprintf(to, sizeof(to), "/help/enquiries/%lld", (long long)x.id);
		page_redirect(r, to);
		return;
	}
	struct raise_problems p = {0};
	const char *field = r->err.field;
	if ((p.files = page_files_problem(r, rc)))
		;
	else if (strcmp(field, "category") == 0)
		p.category = "Choose what the enquiry is about.";
	else if (strcmp(field, "subject") == 0)
		p.subject = *x.in.subject ? "The subject is too long or holds characters that "
					    "cannot be sent: 200 characters at most."
					  : "Write a subject.";
	else if (strcmp(field, "message") == 0)
		p.message = page_message_problem(r, rc, x.in.message, "message");
	else if (rc == KERR_CONFLICT)
		p.general = "An enquiry about this order is still open. Write in it instead: "
			    "it is listed under My enquiries.";
	if (rc == KERR_NOT_FOUND)
		page_error(r, 404, "Not found", "There is no such order among yours.");
	else if (p.files || p.category || p.subject || p.message || p.general)
		raise_page(r, &x, rc == KERR_CONFLICT ? 409 : page_problem_status(rc), &p);
	else
		page_error(r, 503, "Not available",
			   "Your enquiry could not be sent just now. Try again.");
}

struct give {
	int64_t id, score;
	const char *comment;
};

static enum kerr give_fn(struct dctx *c, void *arg)
{
	struct give *x = arg;
	return feedback_give(c, x->id, x->score, x->comment);
}

void web_help_feedback(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLE_CUSTOMER) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	struct rating_typed t = {form_get(&f, "score"), form_get(&f, "comment"), NULL};
	struct give x = {id, 0, t.comment ? t.comment : ""};
	enum kerr rc = KERR_BAD_VALUE;
	if (t.score && !parse_i64(slice_from(t.score), 1, 5, &x.score))
		rc = page_write(r, give_fn, &x);
	else
		strcpy(r->err.field, "score");
	char to[80];
	snprintf(to, sizeof(to), "/help/enquiries/%lld#rated", (long long)id);
	if (!rc) {
		page_redirect(r, to);
		return;
	}
	if (rc == KERR_NOT_FOUND) {
		page_error(r, 404, "Not found", "There is no such enquiry among yours.");
		return;
	}
	if (strcmp(r->err.field, "score") == 0)
		t.problem = "Choose a rating from 1 to 5.";
	else if (strcmp(r->err.field, "comment") == 0)
		t.problem = "The comment is too long: 2,000 characters at most.";
	else if (rc == KERR_STATE || rc == KERR_CONFLICT)
		t.problem = r->err.msg[0] ? r->err.msg : "The help cannot be rated now.";
	if (t.problem)
		enquiry_page_rated(r, id, rc == KERR_CONFLICT ? 409 : page_problem_status(rc), NULL,
				   NULL, NULL, &t);
	else
		page_error(r, 503, "Not available", "Your rating could not be sent just now.");
}
