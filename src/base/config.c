/*
 * config.c - the table of configuration keys and the loaders that fill a
 * struct config from a file, the environment and flags.
 */
#include "base/config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"

enum ctype {
	C_STR,	 /* text, at most the field's size - 1 bytes */
	C_INT,	 /* integer in [min, max] */
	C_SIZE,	 /* byte count with optional k, M or G suffix, in [min, max] */
	C_BOOL,	 /* true/false, yes/no, on/off, 1/0 */
	C_ADDRS, /* comma-separated IPv4/IPv6 addresses, stored as text */
	C_LIST,	 /* comma-separated whole numbers in [min, max], a struct config_list */
};

struct ckey {
	const char *name; /* key in the file; flag --name; env KAPSULE_NAME */
	enum ctype type;  /* how the value is parsed */
	size_t off;	  /* offset of the field in struct config */
	size_t size;	  /* size of a C_STR field */
	const char *def;  /* default, as text */
	int64_t min, max; /* range of C_INT and C_SIZE */
	const char *help; /* one line for the documented file */
};

#define S(f) C_STR, offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define I(f) C_INT, offsetof(struct config, f), 0
#define Z(f) C_SIZE, offsetof(struct config, f), 0
#define B(f) C_BOOL, offsetof(struct config, f), 0
#define A(f) C_ADDRS, offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define L(f) C_LIST, offsetof(struct config, f), 0
#define MiB  (1024LL * 1024)

/* Calls fn on each comma-separated entry of list, trimmed; stops at nonzero. */
static int each_addr(const char *list, int (*fn)(const char *addr, void *arg), void *arg)
{
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ", ");
		if (!n)
			break;
		char one[INET6_ADDRSTRLEN + 1];
		if (n >= sizeof(one))
			return fn("", arg);
		memcpy(one, p, n);
		one[n] = '\0';
		int r = fn(one, arg);
		if (r)
			return r;
		p += n;
	}
	return 0;
}

/* An address in binary, with its family; 0 when it is not one. */
static int addr_parse(const char *s, unsigned char out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, out) != 1)
		return 0;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(out, mapped, 12) == 0) { /* ::ffff:a.b.c.d is a.b.c.d */
		memmove(out, out + 12, 4);
		memset(out + 4, 0, 12);
		return AF_INET;
	}
	return AF_INET6;
}

static int addr_bad(const char *addr, void *arg)
{
	(void)arg;
	unsigned char buf[16];
	return addr_parse(addr, buf) == 0;
}

static int config_addrs_valid(const char *list)
{
	return each_addr(list, addr_bad, NULL) == 0;
}

static int addr_same(const char *addr, void *arg)
{
	unsigned char a[16], b[16];
	int fa = addr_parse(addr, a);
	return fa && fa == addr_parse((const char *)arg, b) && memcmp(a, b, 16) == 0;
}

int config_addrs_has(const char *list, const char *addr)
{
	return each_addr(list, addr_same, (void *)addr) != 0;
}

static const struct ckey keys[] = {
    {"listen", S(listen), "127.0.0.1", 0, 0, "address to listen on"},
    {"port", I(port), "8080", 1, 65535, "TCP port to listen on"},
    {"db", S(db), "kapsule.db", 0, 0, "SQLite file, or a postgres:// URL"},
    {"threads", I(threads), "8", 1, 256, "HTTP worker threads"},
    {"db_pool", I(db_pool), "0", 0, 256, "read connections per process (0: one per thread)"},
    {"db_statement_timeout_ms", I(db_statement_timeout_ms), "10000", 0, 3600000,
     "PostgreSQL: cancel a statement after this long (0: never)"},
    {"max_connections", I(max_connections), "1024", 1, 100000, "open HTTP connections at most"},
    {"idle_timeout", I(idle_timeout), "30", 1, 3600, "seconds an idle connection is kept open"},
    {"max_header_bytes", Z(max_header_bytes), "16k", 4096, MiB, "request line and headers at most"},
    {"max_body_bytes", Z(max_body_bytes), "1M", 1024, 64 * MiB, "JSON request bodies at most"},
    {"max_upload_bytes", Z(max_upload_bytes), "25M", 1024, 1024 * MiB,
     "one upload request at most"},
    {"max_file_bytes", Z(max_file_bytes), "10M", 1024, 1024 * MiB, "one uploaded file at most"},
    {"max_files", I(max_files), "10", 1, 100, "files in one upload at most"},
    {"session_hours", I(session_hours), "12", 1, 24LL * 90, "lifetime of a sign-in session, hours"},
    {"cookie_secure", B(cookie_secure), "false", 0, 0,
     "mark the session cookie Secure (set behind HTTPS)"},
    {"trusted_proxies", A(trusted_proxies), "", 0, 0,
     "balancers whose X-Forwarded-For names the client (comma-separated addresses)"},
    {"login_account_failures", I(login_account_failures), "5", 1, 1000,
     "failed logins allowed per account per window"},
    {"login_address_failures", I(login_address_failures), "20", 1, 100000,
     "failed logins allowed per client address per window"},
    {"login_window_minutes", I(login_window_minutes), "15", 1, 24LL * 60,
     "length of the failed-login window"},
    {"reopen_window_days", I(reopen_window_days), "14", 0, 365,
     "days a customer may reopen a resolved enquiry; it closes after"},
    {"vendor_due_hours", I(vendor_due_hours), "24", 1, 24LL * 14,
     "default deadline of a vendor request"},
    {"vendor_grace_hours", I(vendor_grace_hours), "24", 0, 24LL * 14,
     "hours past its deadline before an unanswered vendor request lapses"},
    {"first_reply_hours", I(first_reply_hours), "4", 1, 24LL * 14,
     "hours in which the operator owes an enquiry its first reply"},
    {"next_reply_hours", I(next_reply_hours), "8", 1, 24LL * 14,
     "hours in which the operator owes a reply to a customer's later message"},
    {"vendor_reminder_hours", L(vendor_reminder_hours), "12,2", 1, 24LL * 14,
     "reminders to the vendor, hours before a request's deadline (comma-separated, at most 4;"
     " empty: none)"},
    {"refund_categories", S(refund_categories), "not_received,damaged,wrong_item", 0, 0,
     "enquiry categories refunded automatically when a vendor request lapses"
     " (comma-separated; empty: none)"},
    {"refund_limit", I(refund_limit), "10000", 0, INT64_MAX,
     "largest order amount refunded automatically, in the currency's minor unit"},
    {"refund_reply", S(refund_reply),
     "We have refunded {amount} for order {order}. It will reach your original payment"
     " method within 5 working days. We are sorry for the trouble.",
     0, 0,
     "the customer's reply when an order is refunded automatically ({order} and {amount}"
     " are filled in)"},
    {"rating_window_days", I(rating_window_days), "90", 7, 365,
     "days of a vendor's record its rating counts"},
    {"points_lapse", I(points_lapse), "2", 0, 100,
     "penalty points for a vendor request that lapsed unanswered"},
    {"points_violation", I(points_violation), "3", 0, 100,
     "penalty points for a confirmed violation (contact details, moving a customer elsewhere)"},
    {"points_days", I(points_days), "90", 1, 730, "days penalty points count before they expire"},
    {"standing_warning", I(standing_warning), "3", 1, 10000,
     "penalty points from which a vendor's standing is 'warning'"},
    {"standing_restricted", I(standing_restricted), "6", 1, 10000,
     "penalty points from which it is 'restricted'"},
    {"standing_suspended", I(standing_suspended), "10", 1, 10000,
     "penalty points from which it is 'suspended'"},
    {"webhook_url", S(webhook_url), "", 0, 0,
     "the marketplace's endpoint told of vendors' standing changes (empty: none)"},
    {"webhook_secret", S(webhook_secret), "", 0, 0,
     "key of the webhook's HMAC-SHA256 signature (required with webhook_url)"},
    {"smtp_url", S(smtp_url), "", 0, 0,
     "mail relay for e-mail notifications, smtp:// or smtps:// (empty: no e-mail)"},
    {"mail_from", S(mail_from), "", 0, 0, "sender address of e-mail (empty: support_email)"},
    {"operator_name", S(operator_name), "Kapsule", 0, 0, "marketplace name shown to people"},
    {"operator_domain", S(operator_domain), "kapsule.co.uk", 0, 0, "marketplace domain"},
    {"support_email", S(support_email), "support@kapsule.co.uk", 0, 0,
     "marketplace support address"},
    {"screen_allow", S(screen_allow), "", 0, 0,
     "more domains and e-mail addresses of the operator's that screening lets through"
     " (comma-separated; operator_domain and support_email always are)"},
    {"public_url", S(public_url), "http://127.0.0.1:8080", 0, 0, "base URL used in links"},
    {"test_clock", B(test_clock), "false", 0, 0,
     "let tests move time forward (never in production)"},
    {"log_level", S(log_level), "info", 0, 0, "debug, info, warn or error"},
    {"log_requests", B(log_requests), "true", 0, 0, "write one log line per request"},
    {"jobs_interval_ms", I(jobs_interval_ms), "1000", 0, 3600000,
     "scheduler period; 0 turns it off"},
    {"shutdown_grace_seconds", I(shutdown_grace_seconds), "10", 0, 600,
     "time in-flight requests get to finish on shutdown"},
    {"password_ops", I(password_ops), "2", 1, 20, "argon2id passes per password hash"},
    {"password_mem_kib", I(password_mem_kib), "65536", 8192, 4LL * 1024 * 1024,
     "argon2id memory per password hash, KiB"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const struct ckey *find_key(const char *name, size_t n)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strlen(keys[i].name) == n && memcmp(keys[i].name, name, n) == 0)
			return &keys[i];
	return NULL;
}

static int parse_bool(const char *v, int *out)
{
	static const char *yes[] = {"true", "yes", "on", "1"};
	static const char *no[] = {"false", "no", "off", "0"};
	for (int i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0)
			return *out = 1, 0;
		if (strcmp(v, no[i]) == 0)
			return *out = 0, 0;
	}
	return -1;
}

static int parse_size(const char *v, int64_t *out)
{
	size_t n = strlen(v);
	int64_t mult = 1;
	if (n && (v[n - 1] == 'k' || v[n - 1] == 'K'))
		mult = 1024, n--;
	else if (n && v[n - 1] == 'M')
		mult = MiB, n--;
	else if (n && v[n - 1] == 'G')
		mult = 1024 * MiB, n--;
	int64_t x;
	if (parse_i64((struct slice){v, n}, 0, INT64_MAX / mult, &x))
		return -1;
	*out = x * mult;
	return 0;
}

/* A C_LIST value: entries sorted largest first; an empty value is an empty list. */
static int parse_list(const char *v, int64_t min, int64_t max, struct config_list *out)
{
	struct config_list l = {0};
	struct slice rest = slice_from(v), item;
	while (slice_split(&rest, ',', &item)) {
		int64_t x;
		if (l.n == CONFIG_LIST_MAX || parse_i64(slice_trim(item), min, max, &x))
			return -1;
		int at = 0;
		while (at < l.n && l.v[at] > x)
			at++;
		if (at < l.n && l.v[at] == x)
			return -1;
		memmove(&l.v[at + 1], &l.v[at], (size_t)(l.n - at) * sizeof(l.v[0]));
		l.v[at] = x;
		l.n++;
	}
	*out = l;
	return 0;
}

static int set_key(struct config *c, const struct ckey *k, const char *value, const char *origin,
		   char *errbuf, size_t errlen)
{
	char *field = (char *)c + k->off;
	int64_t x;
	if (strcmp(k->name, "log_level") == 0 && log_level_parse(value) < 0) {
		snprintf(errbuf, errlen,
			 "%s: 'log_level' must be debug, info, warn or error, not '%s'", origin,
			 value);
		return -1;
	}
	switch (k->type) {
	case C_ADDRS:
		if (!config_addrs_valid(value)) {
			snprintf(errbuf, errlen,
				 "%s: '%s' must be IP addresses separated by commas, not '%s'",
				 origin, k->name, value);
			return -1;
		}
		/* stored as text */
		__attribute__((fallthrough));
	case C_STR:
		if (strlen(value) >= k->size) {
			snprintf(errbuf, errlen, "%s: value of '%s' is longer than %zu bytes",
				 origin, k->name, k->size - 1);
			return -1;
		}
		memcpy(field, value, strlen(value) + 1);
		break;
	case C_INT:
	case C_SIZE:
		if ((k->type == C_INT ? parse_i64(slice_from(value), INT64_MIN, INT64_MAX, &x)
				      : parse_size(value, &x)) ||
		    x < k->min || x > k->max) {
			snprintf(errbuf, errlen, "%s: '%s' must be %s from %lld to %lld, not '%s'",
				 origin, k->name, k->type == C_INT ? "a whole number" : "a size",
				 (long long)k->min, (long long)k->max, value);
			return -1;
		}
		memcpy(field, &x, sizeof(x));
		break;
	case C_LIST:
		if (parse_list(value, k->min, k->max, (struct config_list *)(void *)field)) {
			snprintf(errbuf, errlen,
				 "%s: '%s' must be at most %d different whole numbers from %lld to"
				 " %lld, separated by commas, not '%s'",
				 origin, k->name, CONFIG_LIST_MAX, (long long)k->min,
				 (long long)k->max, value);
			return -1;
		}
		break;
	case C_BOOL: {
		int b;
		if (parse_bool(value, &b)) {
			snprintf(errbuf, errlen, "%s: '%s' must be true or false, not '%s'", origin,
				 k->name, value);
			return -1;
		}
		memcpy(field, &b, sizeof(b));
		break;
	}
	}
	return 0;
}

int config_set(struct config *c, const char *key, const char *value, const char *origin,
	       char *errbuf, size_t errlen)
{
	const struct ckey *k = find_key(key, strlen(key));
	if (!k) {
		snprintf(errbuf, errlen, "%s: unknown key '%s'", origin, key);
		return -1;
	}
	return set_key(c, k, value, origin, errbuf, errlen);
}

void config_defaults(struct config *c)
{
	char err[256];
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < NKEYS; i++)
		if (set_key(c, &keys[i], keys[i].def, "default", err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			abort();
		}
}

/* Reads `key = value` lines; # starts a comment line. */
static int load_file(struct config *c, const char *path, int must_exist, char *errbuf,
		     size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		snprintf(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char line[2048];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char origin[1200];
		snprintf(origin, sizeof(origin), "%s:%d", path, lineno);
		size_t n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			snprintf(errbuf, errlen, "%s: line is too long", origin);
			rc = -1;
			break;
		}
		struct slice s = slice_trim((struct slice){line, n});
		if (s.n == 0 || s.p[0] == '#')
			continue;
		const char *eq = memchr(s.p, '=', s.n);
		if (!eq) {
			snprintf(errbuf, errlen, "%s: expected 'key = value'", origin);
			rc = -1;
			break;
		}
		struct slice key = slice_trim((struct slice){s.p, (size_t)(eq - s.p)});
		struct slice val = slice_trim((struct slice){eq + 1, (size_t)(s.p + s.n - eq - 1)});
		if (val.n >= 2 && val.p[0] == '"' && val.p[val.n - 1] == '"')
			val.p++, val.n -= 2;
		char kbuf[128], vbuf[2048];
		if (key.n >= sizeof(kbuf)) {
			snprintf(errbuf, errlen, "%s: unknown key", origin);
			rc = -1;
			break;
		}
		memcpy(kbuf, key.p, key.n);
		kbuf[key.n] = '\0';
		memcpy(vbuf, val.p, val.n);
		vbuf[val.n] = '\0';
		if (config_set(c, kbuf, vbuf, origin, errbuf, errlen)) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

static int load_env(struct config *c, char *errbuf, size_t errlen)
{
	for (size_t i = 0; i < NKEYS; i++) {
		char name[128] = "KAPSULE_";
		size_t n = 8;
		for (const char *p = keys[i].name; *p && n < sizeof(name) - 1; p++)
			name[n++] = (char)toupper((unsigned char)*p);
		name[n] = '\0';
		const char *v = getenv(name);
		if (!v)
			continue;
		char origin[160];
		snprintf(origin, sizeof(origin), "environment %s", name);
		if (set_key(c, &keys[i], v, origin, errbuf, errlen))
			return -1;
	}
	return 0;
}

int config_load(struct config *c, int argc, char **argv, int *rest, int *nrest, char *errbuf,
		size_t errlen)
{
	const char *file = getenv("KAPSULE_CONFIG");
	int must_exist = file != NULL;
	*nrest = 0;
	config_defaults(c);
	/* The file comes first, so find --config before anything else. */
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--config=", 9) == 0) {
			file = argv[i] + 9;
			must_exist = 1;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			file = argv[++i];
			must_exist = 1;
		}
	}
	if (load_file(c, file ? file : "kapsule.conf", must_exist, errbuf, errlen))
		return -1;
	if (load_env(c, errbuf, errlen))
		return -1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!a)
			continue;
		if (strncmp(a, "--config", 8) == 0 && (a[8] == '\0' || a[8] == '=')) {
			if (a[8] == '\0')
				i++;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			rest[(*nrest)++] = i;
			continue;
		}
		const char *name = a + 2;
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		/* Flags use dashes or underscores: --max-body-bytes, --max_body_bytes. */
		char kbuf[128];
		if (nlen >= sizeof(kbuf)) {
			rest[(*nrest)++] = i;
			continue;
		}
		for (size_t j = 0; j < nlen; j++)
			kbuf[j] = name[j] == '-' ? '_' : name[j];
		kbuf[nlen] = '\0';
		const struct ckey *k = find_key(kbuf, nlen);
		if (!k) {
			rest[(*nrest)++] = i;
			continue;
		}
		const char *value = eq ? eq + 1 : NULL;
		if (!value) {
			const char *next = i + 1 < argc ? argv[i + 1] : NULL;
			if (k->type == C_BOOL && (!next || strncmp(next, "--", 2) == 0)) {
				value = "true";
			} else if (next) {
				value = argv[++i];
			} else {
				snprintf(errbuf, errlen, "flag --%s: needs a value", k->name);
				return -1;
			}
		}
		char origin[160];
		snprintf(origin, sizeof(origin), "flag --%s", k->name);
		if (set_key(c, k, value, origin, errbuf, errlen))
			return -1;
	}
	return 0;
}

void config_print_defaults(void *file)
{
	FILE *f = file;
	fprintf(f,
		"# kapsule.conf - every key with its default.\n"
		"# Environment variables KAPSULE_<KEY> and flags --<key>=<value> override it.\n\n");
	for (size_t i = 0; i < NKEYS; i++)
		fprintf(f, "# %s\n%s = %s\n\n", keys[i].help, keys[i].name, keys[i].def);
}
