/*
 * main.c - the kapsule program: one binary, several commands.
 *
 *   serve     read config -> open store -> migrate -> bind -> run -> shut down
 *   migrate   apply the store's pending migrations
 *   demo      fill a new store with demo data and print the sign-ins
 *   import    import orders from a CSV file
 *   audit     verify the audit log's hash chain
 *   routes    list the routes the server answers
 *   config    print the documented default configuration
 */
#include <ctype.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_screen.h"
#include "api/api.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/crypto.h"
#include "base/log.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/demo.h"
#include "domain/enquiry.h"
#include "domain/import.h"
#include "jobs/jobs.h"
#include "routes.h"
#include "screen/screen.h"
#include "web/page.h"

#define KAPSULE_VERSION "0.1.0"

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* What every command gets: the configuration and its own arguments. */
struct cmdline {
	struct config cfg;
	char **args; /* arguments that are not configuration flags */
	int nargs;
};

static int usage(void)
{
	fprintf(stderr, "usage: kapsule COMMAND [--key=value ...]\n\n"
			"commands:\n"
			"  serve                      run the server\n"
			"  migrate                    apply pending database migrations\n"
			"  demo [--enquiries N]       fill a new database with demo data\n"
			"  import orders FILE.csv     import orders from a CSV file\n"
			"  audit verify               check the audit log's hash chain\n"
			"  sla run --once             run the scheduler's steps once (deadlines)\n"
			"  screen [--redact] [--text TEXT]\n"
			"                             find contact details in JSON lines on stdin\n"
			"  routes                     list the routes the server answers\n"
			"  config                     print the default configuration file\n"
			"  version                    print the version\n\n"
			"Configuration: kapsule.conf (or --config FILE), KAPSULE_<KEY> variables,\n"
			"and --key=value flags; `kapsule config` lists every key.\n");
	return 2;
}

/*
 * What screening lets through as the operator's own: operator_domain (and
 * every host under it), support_email, and what screen_allow adds (a
 * domain, or an address with '@'), lower-cased.  Set once, before any
 * thread screens.
 */
static void allow_operator(const struct config *cfg)
{
	static char text[sizeof(cfg->screen_allow) + sizeof(cfg->operator_domain) +
			 sizeof(cfg->support_email) + 2];
	static const char *domains[64], *emails[64];
	static struct screen_allow allow;
	snprintf(text, sizeof(text), "%s,%s,%s", cfg->operator_domain, cfg->support_email,
		 cfg->screen_allow);
	allow = (struct screen_allow){domains, 0, emails, 0};
	for (char *p = text, *save = NULL, *item; (item = strtok_r(p, ",", &save)); p = NULL) {
		struct slice s = slice_trim((struct slice){item, strlen(item)});
		if (!s.n)
			continue;
		char *v = (char *)s.p;
		v[s.n] = '\0';
		for (char *c = v; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (strchr(v, '@') && allow.nemails < 64)
			emails[allow.nemails++] = v;
		else if (!strchr(v, '@') && allow.ndomains < 64)
			domains[allow.ndomains++] = v;
	}
	screen_allow_set(&allow);
}

/* Opens the store and applies migrations; prints the reason on failure. */
static struct db_pool *open_store(const struct config *cfg, int nread)
{
	struct err e = {0};
	struct db_pool *pool = NULL;
	if (db_pool_open(cfg->db, nread, (int)cfg->db_statement_timeout_ms, &pool, &e)) {
		fprintf(stderr, "kapsule: %s\n", err_text(&e));
		return NULL;
	}
	if (db_migrate(pool, &e)) {
		fprintf(stderr, "kapsule: %s\n", err_text(&e));
		db_pool_close(pool);
		return NULL;
	}
	return pool;
}

static int cmd_serve(struct cmdline *cl)
{
	const struct config *cfg = &cl->cfg;
	int nread = cfg->db_pool ? (int)cfg->db_pool : (int)cfg->threads;
	struct db_pool *pool = open_store(cfg, nread);
	if (!pool)
		return 1;
	struct app app = {0};
	app.cfg = cfg;
	app.pool = pool;
	app.routes = routes;
	app.nroutes = nroutes;
	app.error = page_or_api_error;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct jobs *jobs = jobs_start(pool, cfg);
	int rc = http_serve(&app, &stop_flag);
	jobs_stop(jobs);
	db_pool_close(pool);
	return rc ? 1 : 0;
}

static int cmd_migrate(struct cmdline *cl)
{
	struct db_pool *pool = open_store(&cl->cfg, 1);
	if (!pool)
		return 1;
	int v = 0;
	db_migration_current(pool, &v);
	printf("database at migration %d of %d\n", v, db_migration_latest());
	db_pool_close(pool);
	return 0;
}

static int cmd_demo(struct cmdline *cl)
{
	int64_t extra = 0;
	for (int i = 0; i < cl->nargs; i++) {
		const char *a = cl->args[i];
		const char *v = NULL;
		if (strncmp(a, "--enquiries=", 12) == 0)
			v = a + 12;
		else if (strcmp(a, "--enquiries") == 0 && i + 1 < cl->nargs)
			v = cl->args[++i];
		if (!v || parse_i64(slice_from(v), 0, 10000000, &extra)) {
			fprintf(stderr, "kapsule demo: unknown argument '%s'\n", a);
			return 2;
		}
	}
	struct db_pool *pool = open_store(&cl->cfg, 1);
	if (!pool)
		return 1;
	struct err e = {0};
	enum kerr rc = demo_create(pool, &cl->cfg, extra, 1, &e);
	db_pool_close(pool);
	if (rc) {
		fprintf(stderr, "kapsule demo: %s\n", err_text(&e));
		return 1;
	}
	printf("Demo data is in %s. Sign in at %s with:\n\n", cl->cfg.db, cl->cfg.public_url);
	for (const struct demo_login *l = demo_logins; l->role; l++)
		printf("  %-12s %-40s %s\n", l->role, l->email, l->secret);
	printf("\nThe integration account uses its token as: Authorization: Bearer TOKEN\n");
	return 0;
}

static int cmd_import(struct cmdline *cl)
{
	if (cl->nargs != 2 || strcmp(cl->args[0], "orders") != 0) {
		fprintf(stderr, "usage: kapsule import orders FILE.csv\n");
		return 2;
	}
	struct db_pool *pool = open_store(&cl->cfg, 1);
	if (!pool)
		return 1;
	struct import_report rep;
	enum kerr rc = import_orders(pool, &cl->cfg, cl->args[1], stderr, stderr, &rep);
	db_pool_close(pool);
	if (rc) {
		fprintf(stderr, "kapsule import: nothing imported (%d problem%s)\n", rep.errors,
			rep.errors == 1 ? "" : "s");
		return 1;
	}
	printf("imported %lld orders from %lld rows (%lld customer and %lld vendor updates)\n",
	       (long long)rep.orders, (long long)rep.rows, (long long)rep.customers,
	       (long long)rep.vendors);
	return 0;
}

static int cmd_audit(struct cmdline *cl)
{
	if (cl->nargs != 1 || strcmp(cl->args[0], "verify") != 0) {
		fprintf(stderr, "usage: kapsule audit verify\n");
		return 2;
	}
	struct db_pool *pool = open_store(&cl->cfg, 1);
	if (!pool)
		return 1;
	int64_t count = 0, bad = 0;
	enum kerr rc = audit_verify(pool, &count, &bad);
	db_pool_close(pool);
	if (rc == KERR_CONFLICT) {
		printf("audit log BROKEN at event %lld: it was changed or an event before it was "
		       "removed\n",
		       (long long)bad);
		return 3;
	}
	if (rc) {
		fprintf(stderr, "kapsule audit: cannot read the audit log (%s)\n", kerr_name(rc));
		return 1;
	}
	printf("audit log intact: %lld events\n", (long long)count);
	return 0;
}

/* kapsule sla run --once: the scheduler's steps once, what they did as a line of JSON. */
static int cmd_sla(struct cmdline *cl)
{
	if (cl->nargs != 2 || strcmp(cl->args[0], "run") != 0 ||
	    strcmp(cl->args[1], "--once") != 0) {
		fprintf(stderr, "usage: kapsule sla run --once\n");
		return 2;
	}
	struct db_pool *pool = open_store(&cl->cfg, 1);
	if (!pool)
		return 1;
	struct jobs_report rep;
	enum kerr rc = jobs_run_once(pool, &cl->cfg, &rep);
	db_pool_close(pool);
	if (rc) {
		fprintf(stderr, "kapsule sla: the scheduler's steps failed (%s)\n", kerr_name(rc));
		return 1;
	}
	struct buf b;
	buf_init(&b, 0);
	jobs_report_json(&rep, &b);
	printf("%s\n", buf_cstr(&b));
	buf_free(&b);
	return 0;
}

static int cmd_screen(struct cmdline *cl)
{
	return cmd_screen_run(cl->args, cl->nargs);
}

static int cmd_routes(struct cmdline *cl)
{
	(void)cl;
	for (int i = 0; i < nroutes; i++)
		printf("%s %s%s\n", http_method_name(routes[i].method), routes[i].pattern,
		       routes[i].test_only ? " test-only" : "");
	return 0;
}

static int cmd_config(struct cmdline *cl)
{
	(void)cl;
	config_print_defaults(stdout);
	return 0;
}

static int cmd_version(struct cmdline *cl)
{
	(void)cl;
	printf("kapsule %s\n", KAPSULE_VERSION);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct cmdline *cl);
} commands[] = {
    {"serve", cmd_serve},   {"migrate", cmd_migrate}, {"demo", cmd_demo},
    {"import", cmd_import}, {"audit", cmd_audit},     {"routes", cmd_routes},
    {"config", cmd_config}, {"version", cmd_version}, {"screen", cmd_screen},
    {"sla", cmd_sla},
};

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage();
	int (*fn)(struct cmdline *) = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			fn = commands[i].fn;
	if (!fn) {
		fprintf(stderr, "kapsule: unknown command '%s'\n", argv[1]);
		return usage();
	}
	static struct cmdline cl;
	int *rest = calloc((size_t)argc, sizeof(int));
	char errbuf[1400];
	int nrest = 0;
	if (!rest ||
	    config_load(&cl.cfg, argc - 2, argv + 2, rest, &nrest, errbuf, sizeof(errbuf))) {
		fprintf(stderr, "kapsule: %s\n", rest ? errbuf : "out of memory");
		free(rest);
		return 2;
	}
	cl.args = calloc((size_t)nrest + 1, sizeof(char *));
	for (int i = 0; i < nrest; i++)
		cl.args[i] = argv[2 + rest[i]];
	cl.nargs = nrest;
	free(rest);
	log_set_level((enum log_level)log_level_parse(cl.cfg.log_level));
	clock_enable_test(cl.cfg.test_clock);
	allow_operator(&cl.cfg);
	if (crypto_setup()) {
		fprintf(stderr, "kapsule: cannot initialise libsodium\n");
		return 1;
	}
	crypto_set_pw_cost((unsigned long long)cl.cfg.password_ops,
			   (size_t)cl.cfg.password_mem_kib * 1024);
	if (!enquiry_categories_valid(cl.cfg.refund_categories)) {
		fprintf(stderr, "kapsule: 'refund_categories' must be enquiry categories separated"
				" by commas, each once (");
		for (int i = 0; enquiry_categories[i]; i++)
			fprintf(stderr, "%s%s", i ? ", " : "", enquiry_categories[i]);
		fprintf(stderr, "), not '%s'\n", cl.cfg.refund_categories);
		free(cl.args);
		return 2;
	}
	const struct config *k = &cl.cfg;
	if (k->standing_warning > k->standing_restricted ||
	    k->standing_restricted > k->standing_suspended) {
		fprintf(stderr,
			"kapsule: 'standing_warning' (%lld), 'standing_restricted' (%lld) and"
			" 'standing_suspended' (%lld) must not decrease\n",
			(long long)k->standing_warning, (long long)k->standing_restricted,
			(long long)k->standing_suspended);
		free(cl.args);
		return 2;
	}
	if (k->webhook_url[0] && strlen(k->webhook_secret) < 16) {
		fprintf(stderr, "kapsule: 'webhook_secret' must be at least 16 characters when"
				" 'webhook_url' is set\n");
		free(cl.args);
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		fprintf(stderr, "kapsule: cannot initialise libcurl\n");
		free(cl.args);
		return 1;
	}
	int rc = fn(&cl);
	curl_global_cleanup();
	free(cl.args);
	return rc;
}
