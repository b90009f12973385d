/*
 * err.c - names, messages and statuses of the error codes, from the one
 * table in err.h.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int status;
	const char *msg;
} kerr_info[] = {
#define KERR_INFO(name, code, status, msg) {code, status, msg},
    KERR_TABLE(KERR_INFO)
#undef KERR_INFO
};

const char *kerr_name(enum kerr code)
{
	if ((unsigned)code >= KERR__COUNT)
		return "internal";
	return kerr_info[code].name;
}

const char *kerr_message(enum kerr code)
{
	if ((unsigned)code >= KERR__COUNT)
		return "something went wrong on our side";
	return kerr_info[code].msg;
}

int kerr_status(enum kerr code)
{
	if ((unsigned)code >= KERR__COUNT)
		return 500;
	return kerr_info[code].status;
}

enum kerr err_set(struct err *e, enum kerr code, const char *field, const char *fmt, ...)
{
	if (!e)
		return code;
	e->code = code;
	snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
	e->msg[0] = '\0';
	e->nspans = 0;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

const char *err_text(const struct err *e)
{
	return e->msg[0] ? e->msg : kerr_message(e->code);
}
