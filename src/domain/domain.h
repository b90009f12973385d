/*
 * domain.h - what every domain module shares: roles, the acting principal
 * and the context of a domain call.
 *
 * A domain call takes a struct dctx: an open transaction, the principal it
 * acts for, the arena its results are allocated in, and where to put an
 * error.  It checks the principal's right, applies the change and appends
 * the audit event, all in that transaction.  Objects a principal may not
 * see are reported as KERR_NOT_FOUND, as if they did not exist; actions a
 * role may never take are KERR_FORBIDDEN.
 */
#ifndef KAPSULE_DOMAIN_DOMAIN_H
#define KAPSULE_DOMAIN_DOMAIN_H

#include <stdint.h>

#include "base/arena.h"
#include "base/config.h"
#include "base/err.h"
#include "db/db.h"

/* Roles are bits so a right can name several. */
enum role {
	ROLE_NONE = 0,	       /* not signed in */
	ROLE_CUSTOMER = 1,     /* a buyer */
	ROLE_VENDOR = 2,       /* a user of a vendor */
	ROLE_AGENT = 4,	       /* operator support staff */
	ROLE_ADMIN = 8,	       /* operator staff with admin rights */
	ROLE_INTEGRATION = 16, /* the marketplace's back end, by API token */
	ROLE_SYSTEM = 32,      /* the program itself: scheduler, CLI, demo */
};
#define ROLES_STAFF (ROLE_AGENT | ROLE_ADMIN)

/* Who is acting.  A zeroed principal is "not signed in". */
struct principal {
	int64_t user_id;     /* 0 when anonymous or the system */
	enum role role;	     /* exactly one role bit */
	int64_t vendor_id;   /* for vendor users, their vendor; else 0 */
	int64_t customer_id; /* for customers, their customer record; else 0 */
	int64_t session_id;  /* the session or API token used; 0 for the system */
	int via_cookie;	     /* 1 when authenticated by cookie (writes need CSRF) */
	char name[128];	     /* display name */
	char email[256];     /* sign-in address */
	char csrf[48];	     /* the session's CSRF token */
};

/* The context of one domain call. */
struct dctx {
	struct db *db;		     /* open transaction */
	const struct principal *who; /* acting principal */
	struct arena *a;	     /* results are allocated here */
	struct err *e;		     /* error detail on failure */
	int64_t now;		     /* time of the call, ms since the epoch */
	const struct config *cfg;    /* policies: windows, deadlines, limits */
};

/* Which shape of an object a principal gets. */
enum view {
	VIEW_CUSTOMER, /* the customer's own: operator replies only, no vendor traces */
	VIEW_VENDOR,   /* the vendor's: order facts, customer contact details redacted */
	VIEW_STAFF,    /* agents, admins, integration and the system: everything */
};

/* The view the acting principal gets. */
enum view dom_view(const struct dctx *c);

/* Name of a single role ("customer"), "" for none. */
const char *role_name(enum role r);
/* Role from its name; ROLE_NONE when unknown. */
enum role role_parse(const char *s);

/*
 * KERR_OK when the principal has one of the roles in mask; otherwise
 * KERR_UNAUTHENTICATED (nobody signed in) or KERR_FORBIDDEN, set in c->e.
 */
enum kerr dom_require(struct dctx *c, unsigned mask);

/* 1 when the principal is an agent or admin. */
int dom_is_staff(const struct dctx *c);

/* Copies a column into the arena (NULL stays NULL). */
const char *dom_col_str(struct dctx *c, struct db_stmt *st, int col);

/*
 * Checks a text value: valid UTF-8 without control characters, at most max
 * code points, and (when required) not blank.  Reports errors on field.
 */
enum kerr dom_check_text(struct dctx *c, const char *field, const char *s, size_t max,
			 int required);

/* A value within a list of allowed names; KERR_BAD_VALUE naming them otherwise. */
enum kerr dom_check_enum(struct dctx *c, const char *field, const char *s,
			 const char *const *allowed);

/*
 * j as compact JSON text in the arena (keys in insertion order, or sorted
 * with sort set).  j is not consumed.  NULL j gives "{}".
 */
struct json_t;
const char *dom_json_text(struct dctx *c, const struct json_t *j, int sort);

/*
 * Runs sql (one placeholder, the id) and, when it finds a row, hands it to
 * read(c, st, out).  Returns KERR_OK with *found set to 1 or 0, or the
 * database's error.
 */
enum kerr dom_fetch(struct dctx *c, const char *sql, int64_t id,
		    void (*read)(struct dctx *c, struct db_stmt *st, void *out), void *out,
		    int *found);

/* Maps the db error into c->e. */
enum kerr dom_db_err(struct dctx *c);

#endif
