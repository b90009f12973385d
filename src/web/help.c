/*
 * help.c - the help centre's enquiry page: the conversation between the
 * customer and the operator (the domain leaves out anything of the
 * vendor's), a reply, and reopening a resolved enquiry within its window.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/enquiry.h"
#include "domain/message.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

/* The enquiry's page; reply is the typed reply to keep, problem what is wrong with it. */
static void enquiry_page(struct req *r, int64_t id, int status, const char *reply,
			 const char *problem)
{
	struct page_thread t = {.id = id};
	if (!page_thread_or_reply(r, &t, "There is no such enquiry among yours."))
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
		html_raw(&b, "</p></li>");
	}
	html_raw(&b, "</ol>");
	int settled = strcmp(t.q.status, "resolved") == 0 || strcmp(t.q.status, "closed") == 0;
	if (!settled) {
		char action[64];
		snprintf(action, sizeof(action), "/help/enquiries/%lld/reply", (long long)id);
		page_form_begin(r, &b, action, "reply");
		page_message_field(&b, "Your reply", reply, problem);
		html_raw(&b, "<p><button type=\"submit\">Send reply</button></p></form>");
	} else if (t.q.reopen_until > clock_now_ms()) {
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

void web_help_enquiry(struct req *r)
{
	int64_t id;
	if (page_require(r, ROLE_CUSTOMER) && (id = page_id_or_reply(r, 0)))
		enquiry_page(r, id, 200, NULL, NULL);
}

struct reply {
	int64_t id;
	const char *body;
};

static enum kerr reply_fn(struct dctx *c, void *arg)
{
	struct reply *x = arg;
	return message_post(c, x->id, "customer", x->body, NULL, NULL);
}

void web_help_reply(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLE_CUSTOMER) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *body = form_get(&f, "body");
	struct reply x = {id, body ? body : ""};
	enum kerr rc = page_write(r, reply_fn, &x);
	if (!rc) {
		char to[80];
		snprintf(to, sizeof(to), "/help/enquiries/%lld#latest", (long long)id);
		page_redirect(r, to);
		return;
	}
	const char *problem = page_message_problem(r, rc, x.body, "reply");
	if (rc == KERR_NOT_FOUND)
		page_error(r, 404, "Not found", "There is no such enquiry among yours.");
	else if (problem)
		enquiry_page(r, id, page_problem_status(rc), x.body, problem);
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
