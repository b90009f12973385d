/*
 * attachment.h - files attached to messages (vendors' evidence).
 *
 * A file's type is decided by its content, never by its name: only the
 * types in the table in attachment.c are accepted.  Files are stored once
 * per content (keyed by SHA-256) and linked to messages with the name the
 * uploader gave; who may download a file follows who may read a message it
 * is linked to.
 */
#ifndef KAPSULE_DOMAIN_ATTACHMENT_H
#define KAPSULE_DOMAIN_ATTACHMENT_H

#include <stddef.h>

#include "domain/domain.h"

struct upload {
	const char *filename; /* as the client named it; cleaned before storing */
	const void *data;     /* the bytes, owned by the caller */
	size_t size;
};

struct attachment_ref {
	int64_t id;	    /* the stored file */
	int64_t message_id; /* the message it is attached to */
	const char *filename, *content_type, *sha256;
	int64_t size;
};

struct attachment {
	struct attachment_ref ref;
	const void *data; /* the bytes, in the arena */
};

/* The type of data by its first bytes, or NULL when not an allowed type. */
const char *attachment_sniff(const void *data, size_t n);

/*
 * Checks, stores (once per content) and links uploads to message_id, in
 * order.  KERR_FILE_TYPE or KERR_TOO_LARGE naming the file on failure.
 */
enum kerr attachment_attach(struct dctx *c, int64_t message_id, const struct upload *files,
			    int nfiles);

/*
 * The files of the messages of an enquiry, ordered by message and position.
 * audience limits them to messages of one audience (NULL: all).
 */
enum kerr attachment_list_enquiry(struct dctx *c, int64_t enquiry_id, const char *audience,
				  struct attachment_ref **out, int *n);
/* The files of one message. */
enum kerr attachment_list_message(struct dctx *c, int64_t message_id, struct attachment_ref **out,
				  int *n);

/*
 * Reads a file the principal may download: staff any; vendors files linked
 * to their own vendor's answers; customers files on customer-visible
 * messages of their own enquiries.  KERR_NOT_FOUND otherwise.
 */
enum kerr attachment_get(struct dctx *c, int64_t id, struct attachment *out);

#endif
