/*
 * auth.h - users, passwords, sessions and API tokens.
 *
 * Passwords are stored as argon2id hashes.  A session or API token is a
 * random 256-bit secret given to the client once; the store keeps only its
 * SHA-256, so a copy of the database does not let anyone sign in.  Sessions
 * expire (session_hours) and can be revoked; API tokens (for integration
 * accounts) last until revoked.  Failed logins are counted per account and
 * per client address in a window; past the limit, logins are refused
 * without checking the password until the window ends.
 */
#ifndef KAPSULE_DOMAIN_AUTH_H
#define KAPSULE_DOMAIN_AUTH_H

#include "base/crypto.h"
#include "domain/domain.h"

struct user {
	int64_t id;
	const char *email, *name, *role;
	int64_t vendor_id; /* vendor users only, else 0 */
	int disabled;
	int64_t created_at;
};

struct user_new {
	const char *email;	   /* sign-in address; stored lower-case */
	const char *name;	   /* display name */
	const char *role;	   /* customer, vendor, agent, admin, integration */
	int64_t vendor_id;	   /* required for vendor users, else 0 */
	const char *password;	   /* NULL: no password sign-in (integration, imported customers) */
	const char *password_hash; /* precomputed hash instead of password (demo data) */
};

/* Creates a user (admins, or the system). Emits user.create. */
enum kerr auth_user_create(struct dctx *c, const struct user_new *u, int64_t *id);
/* Lists users, optionally of one role, ordered by id after `after`. Admins. */
enum kerr auth_user_list(struct dctx *c, const char *role, int64_t after, int limit,
			 struct user **out, int *n);

/* The agents and admins who may be assigned enquiries (enabled), by name, at most
 * AUTH_STAFF_MAX.  Staff. */
#define AUTH_STAFF_MAX 200
enum kerr auth_staff_list(struct dctx *c, struct user **out, int *n);

/* Checks an e-mail address's form; KERR_BAD_VALUE on field otherwise. */
enum kerr auth_check_email(struct dctx *c, const char *field, const char *email);

/*
 * The principal a session of the (enabled) user signing in as email would
 * resolve to, without a session: for the system acting as that user (demo
 * data, tests).  KERR_NOT_FOUND when there is no such user.
 */
enum kerr auth_principal_by_email(struct dctx *c, const char *email, struct principal *p);

/*
 * Resolves a session or API token (as sent by the client) to a principal
 * for a request: KERR_UNAUTHENTICATED when it is unknown, expired, revoked
 * or its user is disabled.  Answers from the sessions resolved in
 * this process in the last second when it can, else reads the store
 * (its own read transaction on pool).
 */
enum kerr auth_session_find(struct db_pool *pool, const char *token, struct principal *p);

/*
 * Says that what sessions resolve to changes (a revocation, a user's new
 * name) with this call's transaction: once it commits, and before its
 * caller is answered, every session remembered by auth_session_find is
 * forgotten and read from the store again.
 */
enum kerr auth_sessions_changed(struct dctx *c);

struct login_result {
	char token[TOKEN_TEXT_LEN + 1]; /* the new session's secret */
	struct principal who;		/* the signed-in principal */
	int64_t expires_at;		/* end of the session */
	int64_t retry_after_s;		/* with KERR_RATE_LIMITED: seconds to wait */
};

/*
 * Signs in with e-mail and password from a client address.  Runs its own
 * transactions on pool (the password check, which is slow on purpose, runs
 * outside them).  KERR_BAD_LOGIN for a wrong pair, KERR_RATE_LIMITED past
 * the limits.
 */
enum kerr auth_login(struct db_pool *pool, const struct config *cfg, const char *email,
		     const char *password, const char *client, struct login_result *out,
		     struct err *e);

/* Revokes the session the principal is using. */
enum kerr auth_logout(struct dctx *c);

struct session_info {
	int64_t id, user_id, created_at, expires_at; /* expires_at 0: until revoked */
	const char *kind, *label, *client;
	int current; /* the session this request uses */
};

/* Lists the live sessions of user_id (0: the principal's own; others: admins). */
enum kerr auth_session_list(struct dctx *c, int64_t user_id, struct session_info **out, int *n);
/* Revokes a session: one's own, or any as admin.  Others' are KERR_NOT_FOUND. */
enum kerr auth_session_revoke(struct dctx *c, int64_t id);

/*
 * Creates an API token for an integration user (admins, or the system).
 * token_in is used as the secret when given (demo data); otherwise a random
 * one is made.  The secret is written to out and never stored.
 */
enum kerr auth_token_create(struct dctx *c, int64_t user_id, const char *label,
			    const char *token_in, char out[TOKEN_TEXT_LEN + 1], int64_t *id);

/* Lower-cases ASCII letters of s in place. */
void auth_lower(char *s);

#endif
