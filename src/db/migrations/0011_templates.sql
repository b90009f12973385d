-- 0011_templates: saved replies to customers and vendor-request templates,
-- for one category of enquiry or for all (category NULL), with
-- placeholders filled in from the enquiry when used.
CREATE TABLE templates (
	id {{id}},
	kind TEXT NOT NULL CHECK (kind IN ('reply', 'request')),
	category TEXT,
	name TEXT NOT NULL,
	body TEXT NOT NULL,
	created_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	deleted_at BIGINT
);
CREATE INDEX templates_kind ON templates(kind, category);
