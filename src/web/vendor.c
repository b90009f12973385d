/*
 * vendor.c - the vendor portal's request page: the question, the order facts
 * the vendor may see (contact details removed), the due time and time
 * left, and the answer form; once answered, the answer with what screening
 * found in it marked and the warning that goes with it.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/refund.h"
#include "domain/vreq.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

struct request {
	int64_t id;
	struct vreq v;
	struct message *replies; /* the operator's to the customer on the order */
	int nreplies;
};

static enum kerr request_fn(struct dctx *c, void *arg)
{
	struct request *x = arg;
	enum kerr rc = vreq_get(c, x->id, &x->v);
	return rc ? rc : message_replies_for_order(c, x->v.order_id, &x->replies, &x->nreplies);
}

/*
 * The page; text is the typed answer to keep, problem what is wrong with it,
 * files_problem what is wrong with the files sent with it;
 * found, when not NULL, what screening found in the answer just sent.
 */
static void request_page(struct req *r, int64_t id, int status, const char *text,
			 const char *problem, const char *files_problem,
			 const struct vreq_screened *found)
{
	struct request x = {.id = id};
	if (!page_read_or_reply(r, request_fn, &x, "There is no such request among yours."))
		return;
	const struct vreq *v = &x.v;
	struct buf b;
	char title[64];
	snprintf(title, sizeof(title), "Request %lld", (long long)id);
	page_begin(r, &b, title);
	html_raw(&b, "<p><a href=\"/vendor\">All requests</a></p><h1>");
	html_txt(&b, title);
	html_raw(&b, ": order ");
	html_txt(&b, v->order_number);
	html_raw(&b, "</h1><dl class=\"facts\">");
	page_fact(&b, "State", page_words(r, v->state));
	page_fact(&b, "Due", page_time(r, v->due_at));
	int pending = strcmp(v->state, "open") == 0 || strcmp(v->state, "overdue") == 0;
	if (pending) {
		html_raw(&b, "<div><dt>Time</dt><dd>");
		page_countdown(r, &b, v->due_at);
		html_raw(&b, "</dd></div>");
	}
	/* "tracking,photo": "tracking, photo" */
	struct buf kinds;
	buf_init(&kinds, 0);
	for (const char *p = v->evidence ? v->evidence : ""; *p; p++) {
		if (*p == ',')
			buf_append_str(&kinds, ", ");
		else
			buf_append_char(&kinds, *p);
	}
	page_fact(&b, "Evidence asked for", arena_strdup(&r->a, buf_cstr(&kinds)));
	buf_free(&kinds);
	page_fact(&b, "Order total", refund_amount_text(&r->a, v->order.amount, v->order.currency));
	page_fact(&b, "Customer", v->order.customer_first_name);
	html_raw(&b, "</dl><h2>The question</h2><p class=\"body msg\">");
	html_txt(&b, v->question);
	html_raw(&b, "</p>");
	if (v->order.note && *v->order.note) {
		html_raw(&b, "<h2>The order's note</h2><p class=\"body msg\">");
		html_txt(&b, v->order.note);
		html_raw(&b, "</p>");
	}
	if (v->answer) {
		html_raw(&b, "<h2>Your answer</h2>");
		if (found && found->n) {
			html_raw(&b,
				 "<div class=\"problem\" role=\"alert\"><p>Your answer was "
				 "sent, but it holds contact details or an invitation to deal "
				 "outside the marketplace. That is not allowed: the customer never "
				 "sees your words, the operator answers for you, and this has been "
				 "recorded for review. Found:</p><ul>");
			for (int i = 0; i < found->n; i++) {
				html_raw(&b, "<li><mark>");
				html_txt(&b, found->findings[i].excerpt);
				html_raw(&b, "</mark> (");
				html_txt(&b, found->findings[i].why);
				html_raw(&b, ")</li>");
			}
			html_raw(&b, "</ul></div>");
		}
		html_raw(&b, "<div class=\"msg\"><p class=\"body\">");
		html_txt(&b, v->answer->body);
		html_raw(&b, "</p>");
		page_files_list(&b, v->answer->files, v->answer->nfiles);
		html_raw(&b, "</div>");
	} else if (pending || strcmp(v->state, "lapsed") == 0) {
		char action[64];
		snprintf(action, sizeof(action), "/vendor/requests/%lld/answer", (long long)id);
		html_raw(&b, "<h2>Your answer</h2><p>Only the marketplace's support team reads "
			     "it; do not include phone numbers, e-mail addresses or links.</p>");
		page_files_form_begin(r, &b, action, "reply");
		page_message_field(&b, "Answer", text, problem);
		page_files_field(&b, "Photos or documents", files_problem);
		html_raw(&b, "<p><button type=\"submit\">Send the answer</button></p></form>");
	}
	html_raw(&b, "<h2>What the marketplace told the customer</h2>");
	if (!x.nreplies)
		html_raw(&b, "<p class=\"empty\">No reply to the customer on this order yet.</p>");
	else
		html_raw(&b, "<ol class=\"thread\" aria-label=\"Replies to the customer\">");
	for (int i = 0; i < x.nreplies; i++) {
		html_raw(&b, "<li class=\"msg aud-customer\"><p class=\"who\"><time>");
		html_txt(&b, page_time(r, x.replies[i].created_at));
		html_raw(&b, "</time></p><p class=\"body\">");
		html_txt(&b, x.replies[i].body);
		html_raw(&b, "</p></li>");
	}
	if (x.nreplies)
		html_raw(&b, "</ol>");
	page_end(r, &b, status);
}

void web_vendor_request(struct req *r)
{
	int64_t id;
	if (page_require(r, ROLE_VENDOR) && (id = page_id_or_reply(r, 0)))
		request_page(r, id, 200, NULL, NULL, NULL, NULL);
}

struct answer {
	int64_t id;
	const char *text;
	struct upload *files;
	int nfiles;
	struct vreq_screened found; /* what screening found (in the request's arena) */
};

static enum kerr answer_fn(struct dctx *c, void *arg)
{
	struct answer *x = arg;
	int64_t message_id;
	return vreq_answer(c, x->id, x->text, x->files, x->nfiles, &message_id, &x->found);
}

void web_vendor_answer(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLE_VENDOR) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *text = form_get(&f, "body");
	struct answer x = {id, text ? text : "", NULL, 0, {0}};
	x.nfiles = page_uploads(r, &f, &x.files);
	enum kerr rc = page_write(r, answer_fn, &x);
	char to[64];
	snprintf(to, sizeof(to), "/vendor/requests/%lld", (long long)id);
	const char *files_problem = rc ? page_files_problem(r, rc) : NULL;
	const char *problem =
	    rc && !files_problem ? page_message_problem(r, rc, x.text, "answer") : NULL;
	if (!rc && x.found.n)
		request_page(r, id, 200, NULL, NULL, NULL, &x.found); /* the warning, at once */
	else if (!rc)
		page_redirect(r, to);
	else if (rc == KERR_NOT_FOUND)
		page_error(r, 404, "Not found", "There is no such request among yours.");
	else if (problem || files_problem)
		request_page(r, id, page_problem_status(rc), x.text, problem, files_problem, NULL);
	else
		page_error(r, 503, "Not available", "The answer could not be sent just now.");
}
