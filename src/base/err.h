/*
 * err.h - the one error enum of the program.
 *
 * Every code is declared once in KERR_TABLE with its stable name (sent to
 * API clients as error.code), its default message and its HTTP status.
 * Functions that can fail return an enum kerr; KERR_OK is zero.  A struct
 * err carries the code with the detail a caller needs to report it: the
 * field at fault and a message written for the person who sent the input.
 */
#ifndef KAPSULE_BASE_ERR_H
#define KAPSULE_BASE_ERR_H

#include <stddef.h>

/*   name              code string            status  default message */
#define KERR_TABLE(X)                                                                              \
	X(OK, "ok", 200, "ok")                                                                     \
	X(BAD_JSON, "malformed_json", 400, "the request body is not valid JSON")                   \
	X(BAD_UTF8, "invalid_utf8", 400, "the input is not valid UTF-8")                           \
	X(MISSING_FIELD, "missing_field", 400, "a required field is missing")                      \
	X(UNKNOWN_FIELD, "unknown_field", 400, "the request has a field this route does not take") \
	X(BAD_TYPE, "wrong_type", 400, "a field has the wrong type")                               \
	X(BAD_VALUE, "invalid_value", 400, "a field has a value that is not allowed")              \
	X(BAD_MULTIPART, "malformed_multipart", 400, "the multipart body is not well formed")      \
	X(UNAUTHENTICATED, "unauthenticated", 401, "sign in first")                                \
	X(BAD_LOGIN, "invalid_credentials", 401, "the e-mail or password is not right")            \
	X(CSRF, "csrf_token_invalid", 403, "the CSRF token is missing or wrong")                   \
	X(FORBIDDEN, "forbidden", 403, "this account may not do that")                             \
	X(NOT_FOUND, "not_found", 404, "no such object")                                           \
	X(METHOD, "method_not_allowed", 405, "this path does not take that method")                \
	X(STATE, "invalid_transition", 409, "the object is not in a state that allows this")       \
	X(CONFLICT, "conflict", 409, "the object already exists")                                  \
	X(IDEM_MISMATCH, "idempotency_key_reused", 422,                                            \
	  "the Idempotency-Key was used before with a different request")                          \
	X(TOO_LARGE, "too_large", 413, "the request or a part of it is too large")                 \
	X(MEDIA_TYPE, "unsupported_media_type", 415,                                               \
	  "the body has a content type this route does not take")                                  \
	X(FILE_TYPE, "unsupported_file_type", 415, "the file's content is not an allowed type")    \
	X(RATE_LIMITED, "rate_limited", 429, "too many attempts; try again later")                 \
	X(CONTACT_DETAILS, "contact_details", 422,                                                 \
	  "the text carries contact details that may not be sent")                                 \
	X(LIMIT, "limit_exceeded", 400, "a limit was exceeded")                                    \
	X(INTERNAL, "internal", 500, "something went wrong on our side")                           \
	X(DB, "database_error", 500, "the database failed")                                        \
	X(UNAVAILABLE, "unavailable", 503, "the service is not available right now")               \
	X(IO, "io_error", 500, "reading or writing a file failed")                                 \
	X(CONFIG, "config_error", 500, "the configuration is not valid")

enum kerr {
#define KERR_ENUM(name, code, status, msg) KERR_##name,
	KERR_TABLE(KERR_ENUM)
#undef KERR_ENUM
	    KERR__COUNT
};

/*
 * An error with its detail.  The message is copied in, so callers may pass
 * temporary strings.  A zeroed struct err is "no error".
 */
/* A part of the field's text at fault ("spans" in the error sent). */
struct err_span {
	char kind[16];	      /* what it is ("phone") */
	long long start, end; /* bytes, end exclusive */
};
#define ERR_MAX_SPANS 16

struct err {
	enum kerr code; /* KERR_OK when there is no error */
	char field[64]; /* field or parameter at fault, "" when none */
	char msg[256];	/* sentence for the client, "" means the default */
	int nspans;	/* spans[0..nspans) of the field's text at fault */
	struct err_span spans[ERR_MAX_SPANS];
};

/* Name of a code as sent to clients ("not_found"). Never NULL. */
const char *kerr_name(enum kerr code);
/* Default message of a code. Never NULL. */
const char *kerr_message(enum kerr code);
/* HTTP status of a code. */
int kerr_status(enum kerr code);

/*
 * Records an error in e (which may be NULL) and returns code, so that a
 * failing function can write `return err_set(e, KERR_X, "field", "...")`.
 * field and fmt may be NULL.  The message is printf-formatted.
 */
enum kerr err_set(struct err *e, enum kerr code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The message to show for e: its own, or the code's default. */
const char *err_text(const struct err *e);

#endif
