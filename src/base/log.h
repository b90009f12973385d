/*
 * log.h - structured logs: one JSON object a line on standard error.
 *
 * A line is built in a struct logline (fixed size, never allocates) and
 * written with one write(2), so lines from different threads never mix.
 * Values that do not fit are cut and the line stays valid JSON.
 */
#ifndef KAPSULE_BASE_LOG_H
#define KAPSULE_BASE_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level {
	LOG_DEBUG, /* details for developers */
	LOG_INFO,  /* normal operation: requests, start and stop */
	LOG_WARN,  /* something was refused or retried */
	LOG_ERROR, /* something failed that should not have */
};

struct logline {
	char buf[2048]; /* the JSON text so far */
	size_t len;	/* bytes used */
	int full;	/* 1 once a value had to be cut */
};

/* Lines below this level are dropped. Default LOG_INFO. */
void log_set_level(enum log_level lvl);
/* Parses "debug"/"info"/"warn"/"error"; -1 when unknown. */
int log_level_parse(const char *s);
/* 1 if lines of this level are written. */
int log_enabled(enum log_level lvl);

/* Starts a line with ts, level and msg. */
void log_begin(struct logline *l, enum log_level lvl, const char *msg);
void log_str(struct logline *l, const char *key, const char *val);
void log_strn(struct logline *l, const char *key, const char *val, size_t n);
void log_int(struct logline *l, const char *key, int64_t val);
void log_double(struct logline *l, const char *key, double val);
/* Ends the line and writes it. */
void log_end(struct logline *l);

/* A line with just a message and one optional string detail. */
void log_msg(enum log_level lvl, const char *msg, const char *key, const char *val);

#endif
