/*
 * notices.c - a signed-in person's notifications, newest first, the unread
 * ones marked, each linking to what it is about; and marking them read.
 */
#include <stdio.h>
#include <string.h>

#include "domain/notify.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

#define NOTICES 50

struct notices {
	struct notification *rows;
	int n;
	int64_t unread;
};

static enum kerr notices_fn(struct dctx *c, void *arg)
{
	struct notices *x = arg;
	return notify_list(c, 0, 0, NOTICES, &x->rows, &x->n, &x->unread);
}

void web_notifications(struct req *r)
{
	struct notices x = {0};
	if (!page_require(r, ROLE_CUSTOMER | ROLE_VENDOR | ROLES_STAFF) ||
	    !page_read_or_reply(r, notices_fn, &x, NULL))
		return;
	struct buf b;
	page_begin(r, &b, "Notifications");
	html_raw(&b, "<h1>Notifications</h1>");
	if (!x.n) {
		html_raw(&b, "<p class=\"empty\">Nothing yet.</p>");
		page_end(r, &b, 200);
		return;
	}
	buf_printf(&b, "<p>%lld unread.</p>", (long long)x.unread);
	if (x.unread) {
		page_form_begin(r, &b, "/notifications/read", "inline");
		buf_printf(&b, "<input type=\"hidden\" name=\"up_to\" value=\"%lld\">",
			   (long long)x.rows[0].id);
		html_raw(&b, "<p><button type=\"submit\">Mark all read</button></p></form>");
	}
	html_raw(&b, "<ol class=\"notices\">");
	for (int i = 0; i < x.n; i++) {
		const struct notification *n = &x.rows[i];
		html_raw(&b, n->read_at ? "<li class=\"msg\">" : "<li class=\"msg unread\">");
		html_raw(&b, "<p class=\"who\">");
		if (!n->read_at)
			html_raw(&b, "<span class=\"aud\">New</span> ");
		html_raw(&b, "<strong>");
		/* Links go to this site's own pages only. */
		int local = n->link && n->link[0] == '/' && n->link[1] != '/';
		if (local) {
			html_raw(&b, "<a href=\"");
			html_attr(&b, n->link);
			html_raw(&b, "\">");
		}
		html_txt(&b, n->subject);
		html_raw(&b, local ? "</a></strong> <time>" : "</strong> <time>");
		html_txt(&b, page_time(r, n->created_at));
		html_raw(&b, "</time></p><p class=\"body\">");
		html_txt(&b, n->body);
		html_raw(&b, "</p></li>");
	}
	html_raw(&b, "</ol>");
	page_end(r, &b, 200);
}

static enum kerr read_fn(struct dctx *c, void *arg)
{
	int64_t count;
	return notify_read_all(c, *(int64_t *)arg, &count);
}

void web_notifications_read(struct req *r)
{
	struct form f;
	if (!page_require(r, ROLE_CUSTOMER | ROLE_VENDOR | ROLES_STAFF) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *v = form_get(&f, "up_to");
	int64_t up_to;
	if (!v || parse_i64(slice_from(v), 1, INT64_MAX, &up_to)) {
		page_error(r, 400, "Not marked",
			   "The form did not say which notifications to mark.");
		return;
	}
	if (page_write(r, read_fn, &up_to))
		page_error(r, 503, "Not available", "The notifications could not be marked now.");
	else
		page_redirect(r, "/notifications");
}
