/*
 * page.h - what every page shares: the layout, the stylesheet, the security
 * headers, redirects, error pages, who may see a portal, and forms (their
 * origin and CSRF token checked before anything else reads them).
 */
#ifndef KAPSULE_WEB_PAGE_H
#define KAPSULE_WEB_PAGE_H

#include "domain/enquiry.h"
#include "domain/message.h"
#include "http/form.h"
#include "http/http.h"

/* The portal a principal lands on ("/help", "/desk" or "/vendor"), or NULL: none. */
const char *page_home_of(const struct principal *p);

/* Begins a page in b: head, the signed-in person's portal header and navigation, <main>. */
void page_begin(struct req *r, struct buf *b, const char *title);
/* Ends the page in b and sends it with status and the pages' security headers; frees b. */
void page_end(struct req *r, struct buf *b, int status);
/* A whole page saying what is wrong, sent with status. */
void page_error(struct req *r, int status, const char *title, const char *text);
/* A 303 to location (a path of this site). */
void page_redirect(struct req *r, const char *location);

/*
 * For a portal's page: 1 when the principal's role is among roles.
 * Otherwise replies and returns 0: nobody signed in goes to the sign-in page
 * (told when the session ended); a person of another role gets 404.
 */
int page_require(struct req *r, unsigned roles);

/*
 * For a form's POST: parses the body into f and checks that it came from
 * this site (the Origin, or Sec-Fetch-Site, when the browser sends one) and,
 * for a signed-in person, carries the session's CSRF token in the field
 * "csrf".  Otherwise replies (400 or 403) and returns 0.
 */
int page_form_or_reply(struct req *r, struct form *f);
/* Writes the hidden field with the session's CSRF token into a form. */
void page_csrf_field(struct req *r, struct buf *b);
/* Opens a form posting to action (with class cls, or none when NULL) and its CSRF field. */
void page_form_begin(struct req *r, struct buf *b, const char *action, const char *cls);
/* The same for a form whose sending the pages' script asks the person to confirm first. */
void page_form_confirm(struct req *r, struct buf *b, const char *action, const char *cls,
		       const char *question);
/* The same for a form that sends files (multipart/form-data; its route takes BODY_FILES). */
void page_files_form_begin(struct req *r, struct buf *b, const char *action, const char *cls);
/* A file field ("files", several) with its label, and the problem with the files when not NULL. */
void page_files_field(struct buf *b, const char *label, const char *problem);
/* The files sent in the field "files" of f, as uploads in r's arena: their count. */
int page_uploads(struct req *r, const struct form *f, struct upload **out);
/* Links to files (downloads, each with its name), as a list; nothing when n is 0. */
void page_files_list(struct buf *b, const struct attachment_ref *files, int n);
/* What to tell a person whose files were refused with rc, or NULL when rc is not about them. */
const char *page_files_problem(struct req *r, enum kerr rc);
/* A field's problem beside it, tied to its control by the id "<name>-error"; nothing when
 * problem is NULL. */
void page_problem(struct buf *b, const char *name, const char *problem);
/* A field of a form: its label, the value typed, at most maxlength characters (0: no
 * limit), and the problem with it beside it when not NULL.  Required. */
enum page_field_kind { FIELD_TEXT, FIELD_TEXTAREA };
void page_field(struct buf *b, enum page_field_kind kind, const char *name, const char *label,
		const char *value, int maxlength, const char *problem);
/* A choice among codes (shown as words), chosen selected, with the problem beside it. */
void page_select(struct req *r, struct buf *b, const char *name, const char *label,
		 const char *const *codes, const char *chosen, const char *problem);
/* A message field ("body", at most 10,000 characters) with its label, the text typed, and
 * the problem with it beside it when not NULL. */
void page_message_field(struct buf *b, const char *label, const char *text, const char *problem);
/* What to tell a person whose message (noun: "reply", "message") was refused with rc, or
 * NULL when the failure is not theirs to mend. */
const char *page_message_problem(struct req *r, enum kerr rc, const char *body, const char *noun);

/* Writes body with the spans screening found in it (findings: [{"kind","start","end"}],
 * byte offsets) in <mark>; spans overlapping an earlier one or outside the text are not. */
void page_marked_text(struct req *r, struct buf *b, const char *body, const char *findings);

/* The status of a page shown again with the problem of its form: 409 for a state that
 * refuses it, 413 for a file too large, 415 for a file of a type not taken, 422 for
 * contact details that may not be sent, else 400. */
int page_problem_status(enum kerr rc);

/* An enquiry with its messages as the principal may see them (enquiry.h, message.h). */
struct page_thread {
	int64_t id;
	struct enquiry q;
	struct message *msgs;
	int n;
};
/* Reads t->id's enquiry and thread: 1, or 0 after replying (404 with the text missing
 * when the principal may not see it, 503 when the store cannot be read). */
int page_thread_or_reply(struct req *r, struct page_thread *t, const char *missing);
/* The same read inside a page's own read transaction (with what else the page reads). */
enum kerr page_thread_read(struct dctx *c, struct page_thread *t);

/* The server's errors (app.error): a page saying what is wrong on a page's route (a form
 * too large, say), the API's JSON error elsewhere. */
void page_or_api_error(struct req *r, enum kerr code, const char *field, const char *msg);
/* GET /static/app.css: the one stylesheet. */
void web_css(struct req *r);
/* GET /static/app.js: the pages' optional script (countdowns, confirmations). */
void web_js(struct req *r);

/* The path's {id} number i (1 and up), or 0 after replying with a 404 page. */
int64_t page_id_or_reply(struct req *r, int i);
/* Runs fn in a write transaction as the request's principal. */
enum kerr page_write(struct req *r, enum kerr (*fn)(struct dctx *c, void *arg), void *arg);
/* Runs fn in a read transaction as the request's principal. */
enum kerr page_read(struct req *r, enum kerr (*fn)(struct dctx *c, void *arg), void *arg);
/* The same: 1, or 0 after replying - 404 saying missing when what was asked for is not the
 * principal's to see (missing not NULL), else 503. */
int page_read_or_reply(struct req *r, enum kerr (*fn)(struct dctx *c, void *arg), void *arg,
		       const char *missing);
/* A term and its value in a <dl class="facts"> ("—" when there is none). */
void page_fact(struct buf *b, const char *term, const char *value);
/* The same with the value linking to href. */
void page_fact_to(struct buf *b, const char *term, const char *href, const char *value);
/* A code as a word people read ("awaiting_customer": "awaiting customer"). */
const char *page_words(struct req *r, const char *code);
/* What is left until due, or how late: "5 h 20 min left", "late by 2 h 0 min". */
const char *page_time_left(struct req *r, int64_t due);
/* The time left until due as page_time_left() words it, in an element the pages' script
 * keeps counting down. */
void page_countdown(struct req *r, struct buf *b, int64_t due);
/* A time as people read it: "2026-11-27 14:05 UTC"; "" for 0. */
const char *page_time(struct req *r, int64_t ms);

/* A table's head: its caption and column names (ended by NULL); the rows follow. */
void page_table_begin(struct buf *b, const char *caption, const char *const *cols);
/* A cell with its column's name, which narrow screens show beside it; its text links to
 * href when that is not NULL. */
void page_cell_to(struct buf *b, const char *label, const char *href, const char *text);
void page_cell(struct buf *b, const char *label, const char *text);

#endif
