/*
 * config.h - the program's settings.
 *
 * Every key is one row of the table in config.c: name, type, default, the
 * range it must lie in and a line of help.  Values come, later ones winning,
 * from the defaults, the file (kapsule.conf, or the one --config or
 * KAPSULE_CONFIG names), the environment (KAPSULE_<KEY in capitals>) and
 * command-line flags (--key=value).  An unknown key or a bad value stops
 * loading with the file and line (or variable, or flag) named.
 */
#ifndef KAPSULE_BASE_CONFIG_H
#define KAPSULE_BASE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* A short list of whole numbers (C_LIST keys). */
#define CONFIG_LIST_MAX 4
struct config_list {
	int n;			    /* entries used */
	int64_t v[CONFIG_LIST_MAX]; /* largest first, no two equal */
};

struct config {
	char listen[64];		 /* address to bind */
	int64_t port;			 /* TCP port */
	char db[1024];			 /* SQLite file path or postgres:// URL */
	int64_t threads;		 /* HTTP worker threads */
	int64_t db_pool;		 /* read connections per process */
	int64_t db_statement_timeout_ms; /* PostgreSQL statement limit */
	int64_t max_connections;	 /* open HTTP connections at most */
	int64_t idle_timeout;		 /* seconds an idle connection is kept */
	int64_t max_header_bytes;	 /* request line and headers at most */
	int64_t max_body_bytes;		 /* JSON bodies at most */
	int64_t max_upload_bytes;	 /* a whole upload request at most */
	int64_t max_file_bytes;		 /* one uploaded file at most */
	int64_t max_files;		 /* files in one upload at most */
	int64_t session_hours;		 /* lifetime of a sign-in session */
	int cookie_secure;		 /* add Secure to the session cookie */
	char trusted_proxies[512];	 /* balancers trusted for X-Forwarded-For */
	int64_t login_account_failures;	 /* failed logins per account per window */
	int64_t login_address_failures;	 /* failed logins per client address per window */
	int64_t login_window_minutes;	 /* length of that window */
	int64_t reopen_window_days;	 /* days a customer may reopen a resolved enquiry */
	int64_t vendor_due_hours;	 /* default deadline of a vendor request */
	int64_t vendor_grace_hours;	 /* past the deadline before a request lapses */
	struct config_list vendor_reminder_hours; /* reminders, hours before the deadline */
	int64_t first_reply_hours;		  /* the operator's first reply is due in */
	int64_t next_reply_hours;		  /* its later replies are due in */
	char refund_categories[256];		  /* categories refunded when a request lapses */
	int64_t refund_limit;			  /* order amounts refunded automatically at most */
	char refund_reply[1024];		  /* the customer's reply to an automatic refund */
	int64_t rating_window_days;		  /* the vendor rating's rolling window */
	int64_t points_lapse;			  /* penalty points for a lapsed request */
	int64_t points_violation;		  /* penalty points for a confirmed violation */
	int64_t points_days;			  /* days penalty points count */
	int64_t standing_warning;		  /* points from which a vendor is warned */
	int64_t standing_restricted;		  /* points from which a vendor is restricted */
	int64_t standing_suspended;		  /* points from which a vendor is suspended */
	char webhook_url[512];			  /* the marketplace's endpoint; empty: none */
	char webhook_secret[256];		  /* key of the webhook's HMAC signature */
	char smtp_url[512];			  /* the mail relay; empty: no e-mail */
	char mail_from[256];			  /* sender of e-mail; empty: support_email */
	char operator_name[64];			  /* marketplace name shown to people */
	char operator_domain[128];		  /* marketplace domain */
	char support_email[128];		  /* marketplace support address */
	char screen_allow[512];		/* more domains and addresses screening lets through */
	char public_url[256];		/* base URL for links */
	int test_clock;			/* allow tests to move time forward */
	char log_level[16];		/* debug, info, warn or error */
	int log_requests;		/* one log line per request */
	int64_t jobs_interval_ms;	/* scheduler period; 0 turns it off */
	int64_t shutdown_grace_seconds; /* time in-flight requests get on shutdown */
	int64_t password_ops;		/* argon2id passes */
	int64_t password_mem_kib;	/* argon2id memory */
};

/* Fills c with the defaults. */
void config_defaults(struct config *c);

/*
 * Loads the configuration for a command: defaults, file, environment, then
 * the flags in argv[0..argc).  Flags that are not configuration keys are
 * left for the command: their indexes are written to rest[] (which has room
 * for argc entries) and their count to *nrest.  Returns 0, or -1 with a
 * message naming the place of the error in errbuf.
 */
int config_load(struct config *c, int argc, char **argv, int *rest, int *nrest, char *errbuf,
		size_t errlen);

/* Sets one key from text; origin names the place for the error message. */
int config_set(struct config *c, const char *key, const char *value, const char *origin,
	       char *errbuf, size_t errlen);

/* Writes the documented default configuration file to f. */
void config_print_defaults(void *file);

/* 1 when addr is one of list's entries (compared as addresses, not text). */
int config_addrs_has(const char *list, const char *addr);

#endif
