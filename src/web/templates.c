/*
 * templates.c - the saved replies and vendor-request templates
 * (/desk/templates): every agent reads them, with their placeholders
 * explained; admins add and remove them.
 */
#include <stdio.h>
#include <string.h>

#include "domain/template.h"
#include "web/html.h"
#include "web/page.h"
#include "web/web.h"

struct listed {
	struct template *rows;
	int n;
};

static enum kerr list_fn(struct dctx *c, void *arg)
{
	struct listed *x = arg;
	return template_list(c, NULL, NULL, &x->rows, &x->n);
}

/* What was typed into the form to add one, and the problem with it. */
struct typed {
	const char *kind, *category, *name, *body;
	const char *kind_problem, *category_problem, *name_problem, *body_problem;
};

static void templates_page(struct req *r, int status, const struct typed *t)
{
	struct listed x = {0};
	if (!page_read_or_reply(r, list_fn, &x, NULL))
		return;
	struct buf b;
	page_begin(r, &b, "Templates");
	html_raw(&b,
		 "<h1>Templates</h1><p>Saved replies to customers and questions to vendors, "
		 "offered on each enquiry of their category. In the text, <code>{customer}</code> "
		 "becomes the customer's first name, <code>{order}</code> the order's number, "
		 "<code>{shop}</code> the shop's name and <code>{agent}</code> yours.</p>");
	if (!x.n)
		html_raw(&b, "<p class=\"empty\">None yet.</p>");
	for (int i = 0; i < x.n; i++) {
		const struct template *tp = &x.rows[i];
		html_raw(&b, "<section class=\"msg\"><p class=\"who\"><span class=\"aud\">");
		html_txt(&b, strcmp(tp->kind, "reply") == 0 ? "Saved reply" : "Vendor request");
		html_raw(&b, "</span> <strong>");
		html_txt(&b, tp->name);
		html_raw(&b, "</strong> <span class=\"status\">");
		html_txt(&b, tp->category ? page_words(r, tp->category) : "every category");
		html_raw(&b, "</span></p><p class=\"body\">");
		html_txt(&b, tp->body);
		html_raw(&b, "</p>");
		if (r->who.role == ROLE_ADMIN) {
			char action[64];
			snprintf(action, sizeof(action), "/desk/templates/%lld/delete",
				 (long long)tp->id);
			page_form_confirm(r, &b, action, "inline", "Remove this template?");
			html_raw(&b, "<p><button type=\"submit\">Remove</button></p></form>");
		}
		html_raw(&b, "</section>");
	}
	if (r->who.role == ROLE_ADMIN) {
		html_raw(&b, "<h2 id=\"add\">Add a template</h2>");
		page_form_begin(r, &b, "/desk/templates", "reply");
		page_select(r, &b, "kind", "Kind", template_kinds, t ? t->kind : NULL,
			    t ? t->kind_problem : NULL);
		html_raw(&b, "<p class=\"field\"><label for=\"category\">Category</label><select "
			     "id=\"category\" name=\"category\"><option value=\"\">Every "
			     "category</option>");
		for (const char *const *c = enquiry_categories; *c; c++) {
			html_raw(&b, "<option value=\"");
			html_attr(&b, *c);
			html_raw(&b, t && t->category && strcmp(t->category, *c) == 0
					 ? "\" selected>"
					 : "\">");
			html_txt(&b, page_words(r, *c));
			html_raw(&b, "</option>");
		}
		html_raw(&b, "</select></p>");
		page_problem(&b, "category", t ? t->category_problem : NULL);
		page_field(&b, FIELD_TEXT, "name", "Name", t ? t->name : NULL, 100,
			   t ? t->name_problem : NULL);
		page_field(&b, FIELD_TEXTAREA, "body", "Text", t ? t->body : NULL, 5000,
			   t ? t->body_problem : NULL);
		html_raw(&b, "<p><button type=\"submit\">Add</button></p></form>");
	}
	page_end(r, &b, status);
}

void web_desk_templates(struct req *r)
{
	if (page_require(r, ROLES_STAFF))
		templates_page(r, 200, NULL);
}

static enum kerr create_fn(struct dctx *c, void *arg)
{
	const struct typed *t = arg;
	struct template_in in = {t->kind, t->category, t->name, t->body};
	int64_t id;
	return template_create(c, &in, &id);
}

void web_desk_template_add(struct req *r)
{
	struct form f;
	if (!page_require(r, ROLE_ADMIN) || !page_form_or_reply(r, &f))
		return;
	struct typed t = {.kind = form_get(&f, "kind"),
			  .category = form_get(&f, "category"),
			  .name = form_get(&f, "name"),
			  .body = form_get(&f, "body")};
	if (!t.name)
		t.name = "";
	if (!t.body)
		t.body = "";
	enum kerr rc = page_write(r, create_fn, &t);
	if (!rc) {
		page_redirect(r, "/desk/templates");
		return;
	}
	const char *field = r->err.field;
	if (strcmp(field, "kind") == 0)
		t.kind_problem = "Choose a saved reply or a vendor request.";
	else if (strcmp(field, "category") == 0)
		t.category_problem = "Choose a category the desk has, or every category.";
	else if (strcmp(field, "name") == 0)
		t.name_problem = *t.name ? "The name is too long: 100 characters at most."
					 : "Give the template a name.";
	else if (strcmp(field, "body") == 0)
		t.body_problem = *t.body ? "The text is too long: 5,000 characters at most."
					 : "Write the template's text.";
	if (t.kind_problem || t.category_problem || t.name_problem || t.body_problem)
		templates_page(r, 400, &t);
	else
		page_error(r, 503, "Not available", "The template could not be saved just now.");
}

static enum kerr delete_fn(struct dctx *c, void *arg)
{
	return template_delete(c, *(int64_t *)arg);
}

void web_desk_template_delete(struct req *r)
{
	struct form f;
	int64_t id;
	if (!page_require(r, ROLE_ADMIN) || !(id = page_id_or_reply(r, 0)) ||
	    !page_form_or_reply(r, &f))
		return;
	enum kerr rc = page_write(r, delete_fn, &id);
	if (!rc)
		page_redirect(r, "/desk/templates");
	else if (rc == KERR_NOT_FOUND)
		page_error(r, 404, "Not found", "There is no such template.");
	else
		page_error(r, 503, "Not available", "The template could not be removed just now.");
}
