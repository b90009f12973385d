/*
 * record.c - a vendor's record: its standing (penalty points against the
 * thresholds, what they came from, the changes), its rating (how it answers
 * the operator, with what would raise it) and its response times day by
 * day as a chart drawn by the server (inline SVG, no script).  Staff read
 * any vendor's at /desk/vendors/{id}; a vendor its own at /vendor/record.
 * Also the desk's list of violations to review, and their decision.
 */
#include <stdio.h>
#include <string.h>

#include "domain/contact.h"
#include "domain/rating.h"
#include "domain/standing.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

struct record {
	int64_t vendor_id;
	struct standing s;
	struct rating g;
};

static enum kerr record_fn(struct dctx *c, void *arg)
{
	struct record *x = arg;
	enum kerr rc = standing_get(c, x->vendor_id, &x->s);
	return rc ? rc : rating_get(c, x->vendor_id, &x->g);
}

/* Milliseconds as hours with one decimal: "3.5 h". */
static const char *hours(struct req *r, int64_t ms)
{
	return arena_printf(&r->a, "%lld.%lld h", (long long)(ms / 3600000),
			    (long long)(ms % 3600000 / 360000));
}

/*
 * The response times as the rating's daily snapshots recorded them, oldest
 * day first: the median and the 90th percentile over the rating window as
 * they stood each day, as two lines with a dot a day.
 */
static void chart(struct req *r, struct buf *b, const struct rating *g)
{
	enum { W = 640, H = 220, L = 48, R = 12, T = 12, B = 28 };
	int64_t top = 3600000; /* at least an hour high */
	int days = 0;
	for (int i = 0; i < g->nhistory; i++) {
		if (!g->history[i].answered)
			continue;
		days++;
		if (g->history[i].p90_ms > top)
			top = g->history[i].p90_ms;
	}
	if (!days) {
		html_raw(b, "<p class=\"empty\">No answers in the window yet: no response times "
			    "to draw.</p>");
		return;
	}
	top = (top + 3599999) / 3600000 * 3600000; /* whole hours */
	int n = g->nhistory > 1 ? g->nhistory : 2;
	buf_printf(
	    b,
	    "<figure class=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\" "
	    "aria-labelledby=\"chart-title\"><title id=\"chart-title\">Response time by day: "
	    "median and 90th percentile, 0 to %lld hours</title>",
	    W, H, (long long)(top / 3600000));
	/* The axes, a line at half height, and their labels. */
	buf_printf(b,
		   "<g class=\"axis\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		   "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		   "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
		   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld h</text>"
		   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld.%lld h</text>"
		   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>"
		   "<text x=\"%d\" y=\"%d\">%lld days ago</text>"
		   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">today</text></g>",
		   L, T, L, H - B, L, H - B, W - R, H - B, L, T + (H - B - T) / 2, W - R,
		   T + (H - B - T) / 2, L - 6, T + 4, (long long)(top / 3600000), L - 6,
		   T + (H - B - T) / 2 + 4, (long long)(top / 7200000),
		   (long long)(top % 7200000 / 720000), L - 6, H - B + 4, L, H - 8,
		   (long long)(g->nhistory - 1), W - R, H - 8);
	const char *names[2] = {"median", "p90"};
	struct buf dots;
	buf_init(&dots, 0);
	for (int line = 0; line < 2; line++) {
		buf_printf(b, "<polyline class=\"%s\" points=\"", names[line]);
		for (int k = g->nhistory - 1; k >= 0; k--) {
			const struct rating_day *d = &g->history[k];
			if (!d->answered)
				continue;
			int64_t v = line ? d->p90_ms : d->median_ms;
			int x = L + (int)((int64_t)(g->nhistory - 1 - k) * (W - L - R) / (n - 1));
			int y = H - B - (int)(v * (H - B - T) / top);
			buf_printf(b, "%d,%d ", x, y);
			buf_printf(&dots, "<circle class=\"%s\" cx=\"%d\" cy=\"%d\" r=\"3\"/>",
				   names[line], x, y);
		}
		html_raw(b, "\"/>");
	}
	buf_append(b, dots.data, dots.len);
	buf_free(&dots);
	html_raw(b, "</svg><figcaption><span class=\"key median\">median</span> <span "
		    "class=\"key p90\">90th percentile</span> of the time to answer over the "
		    "rating window, as it stood each day.</figcaption></figure>");
	/* The same figures as a table, for whoever cannot see the chart. */
	html_raw(b, "<details><summary>The figures by day</summary>");
	static const char *const cols[] = {"Day",    "Rating", "Requests", "On time",
					   "Median", "90th",   NULL};
	page_table_begin(b, "The rating window as it stood each day, newest first", cols);
	for (int k = 0; k < g->nhistory; k++) {
		const struct rating_day *d = &g->history[k];
		html_raw(b, "<tr>");
		page_cell(b, "Day", page_time(r, d->day * 86400000));
		page_cell(b, "Rating", arena_printf(&r->a, "%lld", (long long)d->score));
		page_cell(b, "Requests", arena_printf(&r->a, "%lld", (long long)d->requests));
		page_cell(b, "On time", arena_printf(&r->a, "%lld", (long long)d->on_time));
		page_cell(b, "Median", d->answered ? hours(r, d->median_ms) : "—");
		page_cell(b, "90th", d->answered ? hours(r, d->p90_ms) : "—");
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></details>");
}

static void standing_html(struct req *r, struct buf *b, const struct standing *s)
{
	html_raw(b, "<h2>Standing</h2><dl class=\"facts\">");
	page_fact(b, "Standing", s->standing);
	page_fact(b, "Penalty points", arena_printf(&r->a, "%lld", (long long)s->points));
	page_fact(b, "Warning at", arena_printf(&r->a, "%lld points", (long long)s->warning));
	page_fact(b, "Restricted at", arena_printf(&r->a, "%lld points", (long long)s->restricted));
	page_fact(b, "Suspended at", arena_printf(&r->a, "%lld points", (long long)s->suspended));
	html_raw(b, "</dl>");
	if (s->n) {
		static const char *const cols[] = {"Given", "Points", "Why", "Counts until", NULL};
		page_table_begin(b, "Penalty points, newest first", cols);
		for (int i = 0; i < s->n; i++) {
			const struct vendor_point *p = &s->list[i];
			html_raw(b, p->reversed_at ? "<tr class=\"reversed\">" : "<tr>");
			page_cell(b, "Given", page_time(r, p->created_at));
			page_cell(b, "Points", arena_printf(&r->a, "%lld", (long long)p->points));
			page_cell(b, "Why", p->reason);
			page_cell(b, "Counts until",
				  p->reversed_at ? "reversed on appeal"
						 : page_time(r, p->expires_at));
			html_raw(b, "</tr>");
		}
		html_raw(b, "</tbody></table>");
	}
	if (s->nchanges) {
		html_raw(b, "<h3>Changes of standing</h3><ul class=\"changes\">");
		for (int i = 0; i < s->nchanges; i++) {
			const struct standing_change *ch = &s->changes[i];
			html_raw(b, "<li><time>");
			html_txt(b, page_time(r, ch->created_at));
			html_raw(b, "</time> ");
			html_txt(b,
				 arena_printf(&r->a, "%s to %s (%s)", ch->from, ch->to, ch->cause));
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
}

static void rating_html(struct req *r, struct buf *b, const struct rating *g)
{
	html_raw(b, "<h2>Rating</h2><dl class=\"facts\">");
	page_fact(b, "Rating", arena_printf(&r->a, "%lld of 100", (long long)g->score));
	page_fact(b, "Window",
		  arena_printf(&r->a, "the last %lld days", (long long)g->window_days));
	page_fact(b, "Requests", arena_printf(&r->a, "%lld", (long long)g->requests));
	page_fact(b, "On time", arena_printf(&r->a, "%lld", (long long)g->on_time));
	page_fact(b, "Late", arena_printf(&r->a, "%lld", (long long)g->late));
	page_fact(b, "Unanswered", arena_printf(&r->a, "%lld", (long long)g->lapses));
	page_fact(b, "Refunds", arena_printf(&r->a, "%lld", (long long)g->refunds));
	page_fact(b, "Violations", arena_printf(&r->a, "%lld", (long long)g->violations));
	page_fact(b, "Median answer", g->answered ? hours(r, g->median_ms) : NULL);
	page_fact(b, "90th percentile", g->answered ? hours(r, g->p90_ms) : NULL);
	page_fact(b, "Waiting now", arena_printf(&r->a, "%lld", (long long)g->pending));
	html_raw(b, "</dl>");
	if (g->nadvice) {
		html_raw(b, "<h3>What would raise it</h3><ul>");
		for (int i = 0; i < g->nadvice; i++) {
			html_raw(b, "<li>");
			html_txt(b, g->advice[i]);
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "<h3>Response times</h3>");
	chart(r, b, g);
}

static void record_page(struct req *r, int64_t vendor_id, int own)
{
	struct record x = {.vendor_id = vendor_id};
	if (!page_read_or_reply(r, record_fn, &x, "There is no such vendor."))
		return;
	struct buf b;
	const char *title = own ? "My record" : x.s.shop_name;
	page_begin(r, &b, title);
	if (!own)
		html_raw(&b, "<p><a href=\"/desk\">Back to the queue</a></p>");
	html_raw(&b, "<h1>");
	html_txt(&b, title);
	html_raw(&b, "</h1>");
	if (own)
		html_raw(&b,
			 "<p>How you answer the marketplace's requests, and the penalty points "
			 "that set your standing. Answer each request by its due time, with the "
			 "evidence asked for, and never include contact details.</p>");
	standing_html(r, &b, &x.s);
	rating_html(r, &b, &x.g);
	page_end(r, &b, 200);
}

void web_desk_vendor(struct req *r)
{
	int64_t id;
	if (page_require(r, ROLES_STAFF) && (id = page_id_or_reply(r, 0)))
		record_page(r, id, 0);
}

void web_vendor_record(struct req *r)
{
	if (page_require(r, ROLE_VENDOR))
		record_page(r, r->who.vendor_id, 1);
}

/* ---- violations to review ---- */

static const char *const violation_views[] = {"open", "confirmed", "dismissed", "all", NULL};

struct violations {
	const char *state;
	struct violation *rows;
	int n;
};

static enum kerr violations_fn(struct dctx *c, void *arg)
{
	struct violations *x = arg;
	return violation_list(c, strcmp(x->state, "all") == 0 ? "" : x->state, 0, 0, 100, &x->rows,
			      &x->n);
}

/* The list; problem (with the id it is about) when a decision was refused. */
static void violations_page(struct req *r, const char *state, int status, int64_t about,
			    const char *problem, const char *reason)
{
	struct violations x = {state, NULL, 0};
	if (!page_read_or_reply(r, violations_fn, &x, NULL))
		return;
	struct buf b;
	page_begin(r, &b, "Violations");
	html_raw(&b, "<h1>Violations</h1><p>Vendors' answers in which screening found contact "
		     "details or an invitation to deal elsewhere. Confirm one to give the vendor "
		     "its penalty points, or dismiss it, with the reason.</p><nav class=\"tabs\" "
		     "aria-label=\"Violations by state\"><ul>");
	for (const char *const *v = violation_views; *v; v++) {
		html_raw(&b, "<li><a href=\"/desk/violations?state=");
		html_attr(&b, *v);
		html_raw(&b, strcmp(*v, state) == 0 ? "\" aria-current=\"page\">" : "\">");
		html_txt(&b, *v);
		html_raw(&b, "</a></li>");
	}
	html_raw(&b, "</ul></nav>");
	if (!x.n)
		html_raw(&b, "<p class=\"empty\">Nothing here.</p>");
	html_raw(&b, "<ol class=\"violations\">");
	for (int i = 0; i < x.n; i++) {
		const struct violation *v = &x.rows[i];
		buf_printf(&b, "<li class=\"msg\" id=\"violation-%lld\"><p class=\"who\">",
			   (long long)v->id);
		char href[64];
		snprintf(href, sizeof(href), "/desk/vendors/%lld", (long long)v->vendor_id);
		html_raw(&b, "<a href=\"");
		html_attr(&b, href);
		html_raw(&b, "\"><strong>");
		html_txt(&b, v->shop_name);
		html_raw(&b, "</strong></a> <time>");
		html_txt(&b, page_time(r, v->created_at));
		html_raw(&b, "</time> <span class=\"status\">");
		html_txt(&b, v->state);
		html_raw(&b, "</span></p><p>Found: ");
		html_txt(&b, v->kinds);
		snprintf(href, sizeof(href), "/desk/enquiries/%lld", (long long)v->enquiry_id);
		html_raw(&b, ". <a href=\"");
		html_attr(&b, href);
		html_raw(&b, "\">The enquiry, with the answer marked</a></p>");
		if (v->reason && *v->reason) {
			html_raw(&b, "<p>Reason: ");
			html_txt(&b, v->reason);
			html_raw(&b, "</p>");
		}
		if (strcmp(v->state, "open") == 0) {
			char action[64];
			snprintf(action, sizeof(action), "/desk/violations/%lld/decide",
				 (long long)v->id);
			page_form_confirm(
			    r, &b, action, "inline",
			    "Record this decision? Confirming gives the vendor penalty "
			    "points.");
			char name[32];
			snprintf(name, sizeof(name), "reason-%lld", (long long)v->id);
			int here = about == v->id;
			html_raw(&b, "<p class=\"field\"><label for=\"");
			html_attr(&b, name);
			html_raw(&b, "\">Reason</label><input type=\"text\" id=\"");
			html_attr(&b, name);
			html_raw(&b, "\" name=\"reason\" maxlength=\"2000\" required value=\"");
			html_attr(&b, here ? reason : NULL);
			html_raw(&b, "\"");
			if (here && problem) {
				html_raw(&b, " aria-invalid=\"true\" aria-describedby=\"");
				html_attr(&b, name);
				html_raw(&b, "-error\"");
			}
			html_raw(&b,
				 "></p><p><button type=\"submit\" name=\"decision\" "
				 "value=\"confirm\">Confirm</button> <button type=\"submit\" "
				 "name=\"decision\" value=\"dismiss\">Dismiss</button></p></form>");
			if (here)
				page_problem(&b, name, problem);
		}
		html_raw(&b, "</li>");
	}
	html_raw(&b, "</ol>");
	page_end(r, &b, status);
}

void web_desk_violations(struct req *r)
{
	if (!page_require(r, ROLES_STAFF))
		return;
	const char *state = req_query(r, "state");
	if (!state || !*state)
		state = "open";
	int known = 0;
	for (const char *const *v = violation_views; *v; v++)
		known |= strcmp(*v, state) == 0;
	if (!known)
		page_error(r, 400, "No such list", "Violations are open, confirmed or dismissed.");
	else
		violations_page(r, state, 200, 0, NULL, NULL);
}

struct decide {
	int64_t id;
	const char *decision, *reason;
};

static enum kerr decide_fn(struct dctx *c, void *arg)
{
	struct decide *x = arg;
	return violation_decide(c, x->id, x->decision, x->reason);
}

void web_desk_violation_decide(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLES_STAFF) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	const char *decision = form_get(&f, "decision"), *reason = form_get(&f, "reason");
	struct decide x = {id, decision ? decision : "", reason ? reason : ""};
	enum kerr rc = page_write(r, decide_fn, &x);
	if (!rc) {
		page_redirect(r, "/desk/violations");
		return;
	}
	if (rc == KERR_NOT_FOUND && strcmp(r->err.field, "id") == 0) {
		page_error(r, 404, "Not found", "There is no such violation.");
		return;
	}
	const char *problem = NULL;
	if (strcmp(r->err.field, "reason") == 0)
		problem = *x.reason ? "The reason is too long: 2,000 characters at most."
				    : "Give the reason for the decision.";
	else if (rc == KERR_STATE || strcmp(r->err.field, "decision") == 0)
		problem = r->err.msg[0] ? r->err.msg : "That decision cannot be made now.";
	if (problem)
		violations_page(r, "open", page_problem_status(rc), id, problem, x.reason);
	else
		page_error(r, 503, "Not available", "The decision could not be saved just now.");
}
