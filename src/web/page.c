/*
 * page.c - the pages' layout, headers, redirects, error pages and forms.
 * See page.h.
 */
#include "web/page.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "api/api.h"
#include "base/crypto.h"
#include "web/html.h"

extern const char *const embedded_css;
extern const unsigned long embedded_css_len;
extern const char *const embedded_js;
extern const unsigned long embedded_js_len;

/* No inline script or style: what runs and styles comes from this site only. */
static const char CSP[] = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self';"
			  " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const char *page_home_of(const struct principal *p)
{
	switch (p->role) {
	case ROLE_CUSTOMER:
		return "/help";
	case ROLE_VENDOR:
		return "/vendor";
	case ROLE_AGENT:
	case ROLE_ADMIN:
		return "/desk";
	default:
		return NULL;
	}
}

/* The portal's name and its navigation, by landing path. */
struct portal {
	const char *home, *name;
	const char *links[6][2];   /* path, label */
	const char *admin_link[2]; /* one more for admins */
};
static const struct portal portals[] = {
    {"/help",
     "Help centre",
     {{"/help", "My enquiries"}, {"/notifications", "Notifications"}},
     {NULL, NULL}},
    {"/desk",
     "Agent desk",
     {{"/desk", "Queue"},
      {"/desk/search", "Search"},
      {"/desk/violations", "Violations"},
      {"/desk/templates", "Templates"},
      {"/notifications", "Notifications"}},
     {"/desk/overview", "Overview"}},
    {"/vendor",
     "Vendor portal",
     {{"/vendor", "Requests"},
      {"/vendor/record", "My record"},
      {"/notifications", "Notifications"}},
     {NULL, NULL}},
};

static const struct portal *portal_of(const struct principal *p)
{
	const char *home = page_home_of(p);
	for (size_t i = 0; home && i < sizeof(portals) / sizeof(portals[0]); i++)
		if (strcmp(portals[i].home, home) == 0)
			return &portals[i];
	return NULL;
}

void page_csrf_field(struct req *r, struct buf *b)
{
	html_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(b, r->who.csrf);
	html_raw(b, "\">");
}

void page_begin(struct req *r, struct buf *b, const char *title)
{
	const struct portal *p = portal_of(&r->who);
	buf_init(b, 0);
	html_raw(b,
		 "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>");
	html_txt(b, title);
	html_raw(b, " · ");
	html_txt(b, r->app->cfg->operator_name);
	html_raw(b, "</title><link rel=\"stylesheet\" href=\"/static/app.css\"><script "
		    "src=\"/static/app.js\" defer></script></head><body>"
		    "<a class=\"skip\" href=\"#main\">Skip to content</a><header class=\"top\"><a "
		    "class=\"brand\" href=\"");
	html_attr(b, p ? p->home : "/");
	html_raw(b, "\">");
	html_txt(b, r->app->cfg->operator_name);
	html_raw(b, " <span>");
	html_txt(b, p ? p->name : "Front Desk");
	html_raw(b, "</span></a>");
	if (p) {
		html_raw(b, "<nav aria-label=\"Main\"><ul>");
		for (int i = 0; i < 7; i++) {
			const char *const *link = i < 6 ? p->links[i] : p->admin_link;
			if (!link[0] || (i == 6 && r->who.role != ROLE_ADMIN))
				continue;
			html_raw(b, "<li><a href=\"");
			html_attr(b, link[0]);
			html_raw(b, "\"");
			if (strcmp(r->path, link[0]) == 0)
				html_raw(b, " aria-current=\"page\"");
			html_raw(b, ">");
			html_txt(b, link[1]);
			html_raw(b, "</a></li>");
		}
		html_raw(b,
			 "</ul></nav><form class=\"signout\" method=\"post\" action=\"/logout\">");
		page_csrf_field(r, b);
		html_raw(b, "<span class=\"who\">");
		html_txt(b, r->who.name);
		html_raw(b, "</span> <button type=\"submit\">Sign out</button></form>");
	}
	html_raw(b, "</header><main id=\"main\">");
}

void page_end(struct req *r, struct buf *b, int status)
{
	html_raw(b, "</main></body></html>");
	req_reply(r, status, "text/html; charset=utf-8", b->data, b->len);
	req_add_header(r, "Content-Security-Policy", CSP);
	buf_free(b);
}

void page_error(struct req *r, int status, const char *title, const char *text)
{
	struct buf b;
	page_begin(r, &b, title);
	html_raw(&b, "<h1>");
	html_txt(&b, title);
	html_raw(&b, "</h1><p>");
	html_txt(&b, text);
	html_raw(&b, "</p>");
	const char *home = page_home_of(&r->who);
	html_raw(&b, "<p><a href=\"");
	html_attr(&b, home ? home : "/login");
	html_raw(&b, home ? "\">Back to your start page</a></p>" : "\">Sign in</a></p>");
	page_end(r, &b, status);
}

void page_redirect(struct req *r, const char *location)
{
	req_reply(r, 303, "text/plain; charset=utf-8", "", 0);
	req_add_header(r, "Location", location);
}

int page_require(struct req *r, unsigned roles)
{
	if (r->who.role != ROLE_NONE && (r->who.role & roles))
		return 1;
	if (r->who.role == ROLE_NONE)
		page_redirect(r, r->had_token ? "/login?ended=1" : "/login");
	else
		page_error(r, 404, "Not found", "There is no such page.");
	return 0;
}

/* 1 when the browser says the request came from another site. */
static int cross_site(struct req *r)
{
	const char *origin = req_header(r, "Origin");
	const char *host = req_header(r, "Host");
	const char *site = req_header(r, "Sec-Fetch-Site");
	if (origin && strcmp(origin, "null") != 0) {
		const char *rest = strncmp(origin, "https://", 8) == 0	? origin + 8
				   : strncmp(origin, "http://", 7) == 0 ? origin + 7
									: NULL;
		return !rest || !host || strcasecmp(rest, host) != 0;
	}
	/* An origin withheld ("null": the pages send no referrer, or an opaque origin)
	 * is this site's only when the browser's fetch metadata says so. */
	if (origin)
		return !site || strcmp(site, "same-origin") != 0;
	return site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
}

int page_form_or_reply(struct req *r, struct form *f)
{
	if (cross_site(r)) {
		page_error(r, 403, "Refused",
			   "This form was sent from another site. Use the form on this site.");
		return 0;
	}
	const char *ct = req_header(r, "Content-Type");
	const char *body = r->body.data ? r->body.data : "";
	int multi = r->body.len && ct && strncasecmp(ct, "multipart/", 10) == 0;
	if (multi ? form_parse_multipart(&r->a, ct, body, r->body.len, f)
		  : form_parse(&r->a, body, r->body.len, f)) {
		page_error(r, 400, "Unreadable form",
			   "The form could not be read: it holds bytes that are not text.");
		return 0;
	}
	const char *token = form_get(f, "csrf");
	if (r->who.role != ROLE_NONE && (!token || !crypto_str_eq(token, r->who.csrf))) {
		page_error(r, 403, "Refused",
			   "This form is out of date or was not sent from this site. Go back, "
			   "reload the page and try again.");
		return 0;
	}
	return 1;
}

void web_js(struct req *r)
{
	req_reply(r, 200, "text/javascript; charset=utf-8", embedded_js, embedded_js_len);
	req_add_header(r, "Cache-Control", "public, max-age=3600");
}

void web_css(struct req *r)
{
	req_reply(r, 200, "text/css; charset=utf-8", embedded_css, embedded_css_len);
	req_add_header(r, "Cache-Control", "public, max-age=3600");
}

struct page_job {
	struct req *r;
	enum kerr (*fn)(struct dctx *c, void *arg);
	void *arg;
};

/* Runs a page's domain call as the request's principal (reads and writes alike). */
static enum kerr page_read_fn(struct db *db, void *arg)
{
	struct page_job *j = arg;
	struct dctx c = {db, &j->r->who, &j->r->a, &j->r->err, clock_now_ms(), j->r->app->cfg};
	return j->fn(&c, j->arg);
}

enum kerr page_read(struct req *r, enum kerr (*fn)(struct dctx *c, void *arg), void *arg)
{
	struct page_job j = {r, fn, arg};
	return db_read(r->app->pool, page_read_fn, &j);
}

enum kerr page_write(struct req *r, enum kerr (*fn)(struct dctx *c, void *arg), void *arg)
{
	struct page_job j = {r, fn, arg};
	return db_write(r->app->pool, page_read_fn, &j);
}

int64_t page_id_or_reply(struct req *r, int i)
{
	int64_t id = 0;
	if (i < r->nparams && !parse_i64(slice_from(r->params[i]), 1, INT64_MAX, &id))
		return id;
	page_error(r, 404, "Not found", "There is no such page.");
	return 0;
}

const char *page_time(struct req *r, int64_t ms)
{
	if (!ms)
		return "";
	char out[32];
	clock_format_minute(ms, out);
	return arena_strdup(&r->a, out);
}

const char *page_words(struct req *r, const char *code)
{
	char *s = arena_strdup(&r->a, code ? code : "");
	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = ' ';
	return s;
}

void page_problem(struct buf *b, const char *name, const char *problem)
{
	if (!problem)
		return;
	html_raw(b, "<p class=\"problem\" id=\"");
	html_attr(b, name);
	html_raw(b, "-error\">");
	html_txt(b, problem);
	html_raw(b, "</p>");
}

/* The attributes that tell assistive technology a control's value is wrong, and why. */
static void invalid_attrs(struct buf *b, const char *name, const char *problem)
{
	if (!problem)
		return;
	html_raw(b, " aria-invalid=\"true\" aria-describedby=\"");
	html_attr(b, name);
	html_raw(b, "-error\"");
}

/* <p class="field"><label for=name>label</label> */
static void label_for(struct buf *b, const char *name, const char *label)
{
	html_raw(b, "<p class=\"field\"><label for=\"");
	html_attr(b, name);
	html_raw(b, "\">");
	html_txt(b, label);
	html_raw(b, "</label>");
}

static void form_begin(struct req *r, struct buf *b, const char *action, const char *cls, int files,
		       const char *confirm)
{
	html_raw(b, "<form method=\"post\" action=\"");
	html_attr(b, action);
	if (cls) {
		html_raw(b, "\" class=\"");
		html_attr(b, cls);
	}
	if (confirm) {
		html_raw(b, "\" data-confirm=\"");
		html_attr(b, confirm);
	}
	html_raw(b, files ? "\" enctype=\"multipart/form-data\">" : "\">");
	page_csrf_field(r, b);
}

void page_form_begin(struct req *r, struct buf *b, const char *action, const char *cls)
{
	form_begin(r, b, action, cls, 0, NULL);
}

void page_form_confirm(struct req *r, struct buf *b, const char *action, const char *cls,
		       const char *question)
{
	form_begin(r, b, action, cls, 0, question);
}

void page_files_form_begin(struct req *r, struct buf *b, const char *action, const char *cls)
{
	form_begin(r, b, action, cls, 1, NULL);
}

void page_files_field(struct buf *b, const char *label, const char *problem)
{
	html_raw(b, "<p class=\"field\"><label for=\"files\">");
	html_txt(b, label);
	html_raw(b, " <span class=\"hint\">(optional: JPEG, PNG, GIF, WebP or PDF)</span></label>"
		    "<input type=\"file\" id=\"files\" name=\"files\" multiple "
		    "accept=\"image/jpeg,image/png,image/gif,image/webp,application/pdf\"");
	invalid_attrs(b, "files", problem);
	html_raw(b, "></p>");
	page_problem(b, "files", problem);
}

int page_uploads(struct req *r, const struct form *f, struct upload **out)
{
	*out = arena_calloc(&r->a, (size_t)f->nfiles + 1, sizeof(**out));
	int n = 0;
	for (int i = 0; i < f->nfiles; i++)
		if (strcmp(f->files[i].name, "files") == 0)
			(*out)[n++] = (struct upload){f->files[i].filename, f->files[i].data,
						      f->files[i].size};
	return n;
}

void page_files_list(struct buf *b, const struct attachment_ref *files, int n)
{
	if (!n)
		return;
	html_raw(b, "<ul class=\"files\" aria-label=\"Files\">");
	for (int i = 0; i < n; i++) {
		char href[64];
		snprintf(href, sizeof(href), "/api/v1/attachments/%lld", (long long)files[i].id);
		html_raw(b, "<li><a href=\"");
		html_attr(b, href);
		html_raw(b, "\">");
		html_txt(b, files[i].filename);
		html_raw(b, "</a></li>");
	}
	html_raw(b, "</ul>");
}

const char *page_files_problem(struct req *r, enum kerr rc)
{
	if ((rc != KERR_FILE_TYPE && rc != KERR_TOO_LARGE && rc != KERR_LIMIT) ||
	    strcmp(r->err.field, "files") != 0)
		return NULL;
	return arena_printf(&r->a, "%s%s. Nothing was sent: choose the files again.",
			    rc == KERR_LIMIT ? "You may send " : "The ", r->err.msg);
}

void page_field(struct buf *b, enum page_field_kind kind, const char *name, const char *label,
		const char *value, int maxlength, const char *problem)
{
	label_for(b, name, label);
	html_raw(b, kind == FIELD_TEXTAREA ? "<textarea rows=\"6\"" : "<input type=\"text\"");
	html_raw(b, " id=\"");
	html_attr(b, name);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\"");
	if (maxlength)
		buf_printf(b, " maxlength=\"%d\"", maxlength);
	html_raw(b, " required");
	invalid_attrs(b, name, problem);
	if (kind == FIELD_TEXTAREA) {
		html_raw(b, ">");
		html_txt(b, value);
		html_raw(b, "</textarea></p>");
	} else {
		html_raw(b, " value=\"");
		html_attr(b, value);
		html_raw(b, "\"></p>");
	}
	page_problem(b, name, problem);
}

void page_select(struct req *r, struct buf *b, const char *name, const char *label,
		 const char *const *codes, const char *chosen, const char *problem)
{
	label_for(b, name, label);
	html_raw(b, "<select id=\"");
	html_attr(b, name);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" required");
	invalid_attrs(b, name, problem);
	html_raw(b, "><option value=\"\">Choose…</option>");
	for (; *codes; codes++) {
		html_raw(b, "<option value=\"");
		html_attr(b, *codes);
		html_raw(b, chosen && strcmp(chosen, *codes) == 0 ? "\" selected>" : "\">");
		html_txt(b, page_words(r, *codes));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></p>");
	page_problem(b, name, problem);
}

void page_message_field(struct buf *b, const char *label, const char *text, const char *problem)
{
	page_field(b, FIELD_TEXTAREA, "body", label, text, 10000, problem);
}

const char *page_message_problem(struct req *r, enum kerr rc, const char *body, const char *noun)
{
	if (rc == KERR_MISSING_FIELD || (rc == KERR_BAD_VALUE && !*body))
		return arena_printf(&r->a, "Write the %s first.", noun);
	if (rc == KERR_BAD_VALUE && strcmp(r->err.field, "audience") == 0)
		return r->err.msg[0] ? r->err.msg : "A choice on the form is not one it offers.";
	if (rc == KERR_BAD_VALUE)
		return arena_printf(&r->a, "The %s is too long: 10,000 characters at most.", noun);
	if (rc == KERR_BAD_UTF8)
		return arena_printf(&r->a, "The %s holds characters that cannot be sent.", noun);
	if (rc == KERR_CONTACT_DETAILS) {
		/* G2: what the customer may not receive, named by the words themselves. */
		struct buf found;
		buf_init(&found, 0);
		size_t len = strlen(body);
		for (int i = 0; i < r->err.nspans; i++) {
			const struct err_span *sp = &r->err.spans[i];
			if (sp->start >= 0 && sp->end > sp->start && (size_t)sp->end <= len)
				buf_printf(&found, "%s\"%.*s\"", found.len ? ", " : "",
					   (int)(sp->end - sp->start), body + sp->start);
		}
		const char *text = arena_printf(
		    &r->a,
		    "The %s carries the vendor's contact details, which the customer may not "
		    "receive%s%s. Take them out and send it again.",
		    noun, found.len ? ": " : "", found.len ? buf_cstr(&found) : "");
		buf_free(&found);
		return text;
	}
	if (rc == KERR_STATE || rc == KERR_FORBIDDEN)
		return r->err.msg[0] ? r->err.msg : "This cannot be sent now.";
	return NULL;
}

enum kerr page_thread_read(struct dctx *c, struct page_thread *t)
{
	enum kerr rc = enquiry_get(c, t->id, &t->q);
	return rc ? rc : message_thread(c, &t->q, &t->msgs, &t->n);
}

int page_read_or_reply(struct req *r, enum kerr (*fn)(struct dctx *c, void *arg), void *arg,
		       const char *missing)
{
	enum kerr rc = page_read(r, fn, arg);
	if (missing && (rc == KERR_NOT_FOUND || rc == KERR_FORBIDDEN))
		page_error(r, 404, "Not found", missing);
	else if (rc)
		page_error(r, 503, "Not available", "This cannot be read just now. Try again.");
	return rc == KERR_OK;
}

int page_thread_or_reply(struct req *r, struct page_thread *t, const char *missing)
{
	return page_read_or_reply(r, (enum kerr(*)(struct dctx *, void *))page_thread_read, t,
				  missing);
}

struct span {
	size_t start, end;
	const char *kind;
};

static int by_start(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

void page_marked_text(struct req *r, struct buf *b, const char *body, const char *findings)
{
	size_t len = strlen(body), at = 0;
	json_t *all = findings ? json_loads(findings, 0, NULL) : NULL;
	size_t n = json_is_array(all) ? json_array_size(all) : 0;
	struct span *spans = n ? arena_calloc(&r->a, n, sizeof(*spans)) : NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *f = json_array_get(all, i);
		json_int_t s = json_integer_value(json_object_get(f, "start"));
		json_int_t e = json_integer_value(json_object_get(f, "end"));
		const char *kind = json_string_value(json_object_get(f, "kind"));
		if (s >= 0 && e > s && (size_t)e <= len)
			spans[k++] = (struct span){(size_t)s, (size_t)e,
						   arena_strdup(&r->a, kind ? kind : "contact")};
	}
	json_decref(all);
	if (k)
		qsort(spans, k, sizeof(*spans), by_start);
	for (size_t i = 0; i < k; i++) {
		if (spans[i].start < at)
			continue;
		html_txt(b, arena_strndup(&r->a, body + at, spans[i].start - at));
		html_raw(b, "<mark title=\"Screening found: ");
		html_attr(b, spans[i].kind);
		html_raw(b, "\">");
		html_txt(
		    b, arena_strndup(&r->a, body + spans[i].start, spans[i].end - spans[i].start));
		html_raw(b, "</mark>");
		at = spans[i].end;
	}
	html_txt(b, body + at);
}

/* What is left until due, or how late: "5 h 20 min left", "late by 2 h". */
void page_countdown(struct req *r, struct buf *b, int64_t due)
{
	buf_printf(b, "<span class=\"countdown\" data-left=\"%lld\">",
		   (long long)(due - clock_now_ms()));
	html_txt(b, page_time_left(r, due));
	html_raw(b, "</span>");
}

const char *page_time_left(struct req *r, int64_t due)
{
	int64_t left = due - clock_now_ms(), m = (left < 0 ? -left : left) / 60000;
	const char *span = m >= 60 ? arena_printf(&r->a, "%lld h %lld min", (long long)(m / 60),
						  (long long)(m % 60))
				   : arena_printf(&r->a, "%lld min", (long long)m);
	return left < 0 ? arena_printf(&r->a, "late by %s", span)
			: arena_printf(&r->a, "%s left", span);
}

void page_fact_to(struct buf *b, const char *term, const char *href, const char *value)
{
	html_raw(b, "<div><dt>");
	html_txt(b, term);
	html_raw(b, "</dt><dd>");
	if (href) {
		html_raw(b, "<a href=\"");
		html_attr(b, href);
		html_raw(b, "\">");
	}
	html_txt(b, value && *value ? value : "—");
	html_raw(b, href ? "</a></dd></div>" : "</dd></div>");
}

void page_fact(struct buf *b, const char *term, const char *value)
{
	page_fact_to(b, term, NULL, value);
}

int page_problem_status(enum kerr rc)
{
	switch (rc) {
	case KERR_STATE:
		return 409;
	case KERR_TOO_LARGE:
		return 413;
	case KERR_FILE_TYPE:
		return 415;
	case KERR_CONTACT_DETAILS:
		return 422;
	default:
		return 400;
	}
}

/* A table's head: its caption and column names. */
void page_table_begin(struct buf *b, const char *caption, const char *const *cols)
{
	html_raw(b, "<table><caption>");
	html_txt(b, caption);
	html_raw(b, "</caption><thead><tr>");
	for (; *cols; cols++) {
		html_raw(b, "<th scope=\"col\">");
		html_txt(b, *cols);
		html_raw(b, "</th>");
	}
	html_raw(b, "</tr></thead><tbody>");
}

/* A cell with its column's name, which narrow screens show beside it; its text links to
 * href when that is not NULL. */
void page_cell_to(struct buf *b, const char *label, const char *href, const char *text)
{
	html_raw(b, "<td data-label=\"");
	html_attr(b, label);
	html_raw(b, "\">");
	if (href) {
		html_raw(b, "<a href=\"");
		html_attr(b, href);
		html_raw(b, "\">");
	}
	html_txt(b, text);
	html_raw(b, href ? "</a></td>" : "</td>");
}

void page_cell(struct buf *b, const char *label, const char *text)
{
	page_cell_to(b, label, NULL, text);
}

/* 1 when r's route is a page's (its form, or a page read by a browser), not the API's. */
static int page_route(const struct req *r)
{
	if (!r->route)
		return 0;
	if (r->route->body == BODY_FORM || r->route->body == BODY_FILES)
		return 1;
	static const char *const pages[] = {"/help", "/desk", "/vendor", "/notifications",
					    "/login"};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		size_t n = strlen(pages[i]);
		if (strncmp(r->route->pattern, pages[i], n) == 0 &&
		    (r->route->pattern[n] == '\0' || r->route->pattern[n] == '/'))
			return 1;
	}
	return 0;
}

void page_or_api_error(struct req *r, enum kerr code, const char *field, const char *msg)
{
	if (!page_route(r)) {
		api_error(r, code, field, msg);
		return;
	}
	if (r->err.code == KERR_OK)
		r->err.code = code;
	const char *text =
	    code == KERR_TOO_LARGE
		? "What was sent is too large. Send less: smaller or fewer files, or "
		  "a shorter text."
	    : code == KERR_MEDIA_TYPE ? "This page takes a form sent by a browser."
	    : msg		      ? msg
				      : kerr_message(code);
	page_error(r, kerr_status(code), code == KERR_TOO_LARGE ? "Too large" : "Not accepted",
		   text);
}
