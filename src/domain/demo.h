/*
 * demo.h - demo data: the operator's staff, three vendors with several
 * users, customers, orders (some with contact details in their notes) and
 * enquiries in every state, so that a new user can try every role.
 *
 * Demo accounts share one published password; the integration account has
 * a published API token.  Both are for trying the product, never for a
 * real marketplace: `kapsule demo` refuses a database that holds data.
 */
#ifndef KAPSULE_DOMAIN_DEMO_H
#define KAPSULE_DOMAIN_DEMO_H

#include "base/config.h"
#include "db/db.h"

struct demo_login {
	const char *role;   /* NULL ends the table */
	const char *email;  /* "" for the integration account */
	const char *secret; /* password, or the API token */
};

extern const struct demo_login demo_logins[];

/*
 * Fills an empty database with the demo data, plus `extra` generated
 * enquiries (for load tests).  Progress goes to stderr when verbose.
 * KERR_CONFLICT when the database already holds users.
 */
enum kerr demo_create(struct db_pool *pool, const struct config *cfg, int64_t extra, int verbose,
		      struct err *e);

/* *yes = 1 when the database holds the demo data. */
enum kerr demo_installed(struct db *db, int *yes);

#endif
