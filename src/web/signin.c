/*
 * signin.c - the sign-in page, signing in and signing out.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "domain/auth.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

/* The form again, with what was typed (never the password) and the problems beside it. */
struct signin_view {
	const char *email;
	const char *notice;	    /* above the form: why the person is here */
	const char *email_error;    /* beside the e-mail field */
	const char *password_error; /* beside the password field */
	const char *error;	    /* above the form: what went wrong as a whole */
};

/* A field with its label and, when there is one, its problem (tied by aria-describedby). */
static void field(struct buf *b, const char *name, const char *label, const char *type,
		  const char *autocomplete, const char *value, const char *problem)
{
	html_raw(b, "<p class=\"field\"><label for=\"");
	html_attr(b, name);
	html_raw(b, "\">");
	html_txt(b, label);
	html_raw(b, "</label><input id=\"");
	html_attr(b, name);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" type=\"");
	html_attr(b, type);
	html_raw(b, "\" autocomplete=\"");
	html_attr(b, autocomplete);
	html_raw(b, "\" required");
	if (value) {
		html_raw(b, " value=\"");
		html_attr(b, value);
		html_raw(b, "\"");
	}
	if (problem) {
		html_raw(b, " aria-invalid=\"true\" aria-describedby=\"");
		html_attr(b, name);
		html_raw(b, "-error\"></p><p class=\"problem\" id=\"");
		html_attr(b, name);
		html_raw(b, "-error\">");
		html_txt(b, problem);
		html_raw(b, "</p>");
	} else {
		html_raw(b, "></p>");
	}
}

static void signin_page(struct req *r, int status, const struct signin_view *v)
{
	struct buf b;
	page_begin(r, &b, "Sign in");
	html_raw(&b, "<section class=\"narrow\"><h1>Sign in</h1>");
	if (v->notice) {
		html_raw(&b, "<p class=\"notice\" role=\"status\">");
		html_txt(&b, v->notice);
		html_raw(&b, "</p>");
	}
	if (v->error) {
		html_raw(&b, "<p class=\"problem\" role=\"alert\">");
		html_txt(&b, v->error);
		html_raw(&b, "</p>");
	}
	html_raw(&b, "<form method=\"post\" action=\"/login\">");
	field(&b, "email", "E-mail address", "email", "username", v->email, v->email_error);
	field(&b, "password", "Password", "password", "current-password", NULL, v->password_error);
	html_raw(&b, "<p><button type=\"submit\">Sign in</button></p></form></section>");
	page_end(r, &b, status);
}

void web_login_form(struct req *r)
{
	const char *home = page_home_of(&r->who);
	if (home) {
		page_redirect(r, home);
		return;
	}
	struct signin_view v = {0};
	if (req_query(r, "signed_out"))
		v.notice = "You signed out.";
	else if (req_query(r, "ended") || r->had_token)
		v.notice = "You were signed out: your session ended. Sign in again to go on.";
	signin_page(r, 200, &v);
}

void web_login(struct req *r)
{
	struct form f;
	if (!page_form_or_reply(r, &f))
		return;
	const char *email = form_get(&f, "email"), *password = form_get(&f, "password");
	struct signin_view v = {.email = email ? email : ""};
	if (!email || !*email)
		v.email_error = "Enter your e-mail address.";
	else if (strlen(email) > 254 || !utf8_valid_text(email, strlen(email)))
		v.email_error = "This is not an e-mail address.";
	if (!password || !*password)
		v.password_error = "Enter your password.";
	if (v.email_error || v.password_error) {
		signin_page(r, 400, &v);
		return;
	}
	struct login_result res;
	enum kerr rc = strlen(password) > 1024 ? KERR_BAD_LOGIN
					       : auth_login(r->app->pool, r->app->cfg, email,
							    password, r->client, &res, &r->err);
	if (rc == KERR_RATE_LIMITED) {
		char s[32];
		snprintf(s, sizeof(s), "%lld", (long long)res.retry_after_s);
		req_add_header(r, "Retry-After", s);
		v.error = "Too many tries from here. Wait a few minutes, then try again.";
		signin_page(r, 429, &v);
		return;
	}
	if (rc == KERR_BAD_LOGIN) {
		v.error = "That e-mail address and password do not match an account.";
		signin_page(r, 401, &v);
		return;
	}
	if (rc) {
		page_error(r, 503, "Not available",
			   "Signing in is not possible just now. Try again.");
		return;
	}
	const char *home = page_home_of(&res.who);
	if (!home) {
		/* The marketplace's back end and the program have no pages. */
		page_error(
		    r, 403, "No portal",
		    "This account works through the API only; it has no pages to sign in to.");
		return;
	}
	req_set_session_cookie(r, res.token);
	page_redirect(r, home);
}

static enum kerr logout_fn(struct db *db, void *arg)
{
	struct req *r = arg;
	struct dctx c = {db, &r->who, &r->a, &r->err, clock_now_ms(), r->app->cfg};
	return auth_logout(&c);
}

void web_logout(struct req *r)
{
	struct form f;
	if (r->who.role == ROLE_NONE) {
		page_redirect(r, "/login");
		return;
	}
	if (!page_form_or_reply(r, &f))
		return;
	if (db_write(r->app->pool, logout_fn, r)) {
		page_error(r, 503, "Not available",
			   "Signing out is not possible just now. Try again.");
		return;
	}
	req_set_session_cookie(r, NULL);
	page_redirect(r, "/login?signed_out=1");
}
