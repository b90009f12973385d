/*
 * home.c - the front page: what is running, where the API is described,
 * and, on a demo database, how to sign in as each demo role.
 */
#include "web/web.h"

#include "base/clock.h"
#include "domain/demo.h"
#include "web/html.h"
#include "web/page.h"

struct home_arg {
	int demo;
};

static enum kerr home_fn(struct db *db, void *arg)
{
	struct home_arg *x = arg;
	return demo_installed(db, &x->demo);
}

void web_home(struct req *r)
{
	struct home_arg x = {0};
	enum kerr rc = db_read(r->app->pool, home_fn, &x);
	const struct config *cfg = r->app->cfg;
	struct buf b;
	page_begin(r, &b, "Front Desk");
	html_raw(&b, "<h1>");
	html_txt(&b, cfg->operator_name);
	html_raw(&b, " Front Desk</h1><p>The customer communication service of ");
	html_txt(&b, cfg->operator_name);
	html_raw(&b, " is running: customers raise enquiries about their orders, agents answer "
		     "them, and vendors supply facts through requests with a deadline.</p>"
		     "<p>The JSON API lives under <code>/api/v1</code> and is described in "
		     "<a href=\"/api/v1/openapi.yaml\">openapi.yaml</a>. Health: "
		     "<a href=\"/healthz\">/healthz</a>, <a href=\"/readyz\">/readyz</a>, "
		     "<a href=\"/metrics\">/metrics</a>.</p><p><a href=\"/login\">Sign in</a> to "
		     "the help centre, the agent desk or the vendor portal.</p>");
	if (!rc && x.demo) {
		html_raw(&b, "<h2>Demo sign-ins</h2><p>This database holds demo data. Sign in on "
			     "<a href=\"/login\">the sign-in page</a>, or with "
			     "<code>POST /api/v1/auth/login</code>, using:</p><table><thead><tr>"
			     "<th scope=\"col\">Role</th><th scope=\"col\">E-mail</th>"
			     "<th scope=\"col\">Password</th></tr></thead><tbody>");
		for (const struct demo_login *l = demo_logins; l->role; l++) {
			html_raw(&b, "<tr><td>");
			html_txt(&b, l->role);
			html_raw(&b, "</td><td><code>");
			html_txt(&b, l->email);
			html_raw(&b, "</code></td><td><code>");
			html_txt(&b, l->secret);
			html_raw(&b, "</code></td></tr>");
		}
		html_raw(&b, "</tbody></table><p>The integration account signs in with its API "
			     "token as <code>Authorization: Bearer &lt;token&gt;</code>.</p>");
	}
	html_raw(&b, "<footer>");
	char now[32];
	clock_format(clock_now_ms(), now);
	html_txt(&b, now);
	html_raw(&b, "</footer>");
	page_end(r, &b, 200);
}
