-- 0001_core: parties, orders, enquiries, messages, vendor requests,
-- attachments, sessions, idempotency keys, login limits, audit log.
-- Enquiries carry copies of the names the agent queue shows (order number,
-- shop, customer, assignee) so that a queue page reads one table; the
-- modules that change those names update the copies.
-- Common dialect: {{id}} is an auto-assigned integer primary key, {{blob}}
-- a byte string; times are integer milliseconds since the Unix epoch.

CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE vendors (
	id {{id}},
	ref TEXT UNIQUE,
	shop_name TEXT NOT NULL,
	contact_email TEXT,
	contact_phone TEXT,
	website TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE users (
	id {{id}},
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('customer', 'vendor', 'agent', 'admin', 'integration')),
	vendor_id BIGINT REFERENCES vendors(id),
	password_hash TEXT,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	CHECK ((role = 'vendor' AND vendor_id IS NOT NULL) OR (role <> 'vendor' AND vendor_id IS NULL))
);
CREATE INDEX users_vendor ON users(vendor_id);

CREATE TABLE customers (
	id {{id}},
	user_id BIGINT NOT NULL UNIQUE REFERENCES users(id),
	ref TEXT UNIQUE,
	first_name TEXT NOT NULL,
	last_name TEXT NOT NULL,
	phone TEXT,
	address TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE orders (
	id {{id}},
	number TEXT NOT NULL UNIQUE,
	customer_id BIGINT NOT NULL REFERENCES customers(id),
	vendor_id BIGINT NOT NULL REFERENCES vendors(id),
	items TEXT NOT NULL,
	amount BIGINT NOT NULL CHECK (amount >= 0),
	currency TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	placed_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX orders_customer ON orders(customer_id, placed_at);
CREATE INDEX orders_vendor ON orders(vendor_id, placed_at);

CREATE TABLE enquiries (
	id {{id}},
	order_id BIGINT NOT NULL REFERENCES orders(id),
	customer_id BIGINT NOT NULL REFERENCES customers(id),
	vendor_id BIGINT NOT NULL REFERENCES vendors(id),
	order_number TEXT NOT NULL,
	shop_name TEXT NOT NULL,
	customer_name TEXT NOT NULL,
	category TEXT NOT NULL CHECK (category IN ('not_received', 'damaged', 'wrong_item',
		'return_refund', 'product_question', 'other')),
	subject TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('open', 'awaiting_vendor', 'awaiting_customer',
		'resolved', 'closed')),
	active INTEGER NOT NULL DEFAULT 1,
	priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	assignee_id BIGINT REFERENCES users(id),
	assignee_name TEXT,
	escalated INTEGER NOT NULL DEFAULT 0,
	due_at BIGINT NOT NULL DEFAULT 9223372036854775807,
	message_count BIGINT NOT NULL DEFAULT 0,
	customer_message_count BIGINT NOT NULL DEFAULT 0,
	customer_last_message_at BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	last_message_at BIGINT NOT NULL,
	resolved_at BIGINT,
	closed_at BIGINT,
	CHECK (active = CASE WHEN status IN ('open', 'awaiting_vendor', 'awaiting_customer')
		THEN 1 ELSE 0 END)
);
-- The agent queue's default order, holding every column a queue row shows,
-- so that a queue page is read from this index alone.
CREATE INDEX enquiries_active_age ON enquiries(active, created_at, id, category, subject,
	status, priority, assignee_id, assignee_name, escalated, due_at, message_count,
	last_message_at, order_number, shop_name, customer_name, resolved_at);
CREATE INDEX enquiries_active_due ON enquiries(active, due_at, id);
CREATE INDEX enquiries_status_age ON enquiries(status, created_at, id);
CREATE INDEX enquiries_status_resolved ON enquiries(status, resolved_at);
CREATE INDEX enquiries_customer ON enquiries(customer_id, id);
CREATE INDEX enquiries_vendor ON enquiries(vendor_id, created_at);
CREATE INDEX enquiries_order ON enquiries(order_id);

CREATE TABLE vendor_requests (
	id {{id}},
	enquiry_id BIGINT NOT NULL REFERENCES enquiries(id),
	vendor_id BIGINT NOT NULL REFERENCES vendors(id),
	question TEXT NOT NULL,
	evidence TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL CHECK (state IN ('open', 'overdue', 'answered', 'answered_late',
		'lapsed', 'cancelled')),
	due_at BIGINT NOT NULL,
	created_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	answered_at BIGINT,
	answered_by BIGINT REFERENCES users(id),
	answer_message_id BIGINT,
	cancelled_at BIGINT
);
CREATE INDEX vendor_requests_vendor ON vendor_requests(vendor_id, state, due_at);
CREATE INDEX vendor_requests_enquiry ON vendor_requests(enquiry_id);

CREATE TABLE messages (
	id {{id}},
	enquiry_id BIGINT NOT NULL REFERENCES enquiries(id),
	author_id BIGINT NOT NULL REFERENCES users(id),
	audience TEXT NOT NULL CHECK (audience IN ('customer', 'internal', 'to_vendor', 'from_vendor')),
	body TEXT NOT NULL,
	vendor_request_id BIGINT REFERENCES vendor_requests(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX messages_enquiry ON messages(enquiry_id, id);

CREATE TABLE attachments (
	id {{id}},
	sha256 TEXT NOT NULL UNIQUE,
	size BIGINT NOT NULL,
	content_type TEXT NOT NULL,
	data {{blob}} NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE message_attachments (
	message_id BIGINT NOT NULL REFERENCES messages(id),
	position INTEGER NOT NULL,
	attachment_id BIGINT NOT NULL REFERENCES attachments(id),
	filename TEXT NOT NULL,
	PRIMARY KEY (message_id, position)
);
CREATE INDEX message_attachments_attachment ON message_attachments(attachment_id);

CREATE TABLE sessions (
	id {{id}},
	token_hash TEXT NOT NULL UNIQUE,
	user_id BIGINT NOT NULL REFERENCES users(id),
	kind TEXT NOT NULL CHECK (kind IN ('session', 'api_token')),
	label TEXT NOT NULL DEFAULT '',
	csrf TEXT NOT NULL,
	client TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	expires_at BIGINT,
	revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
	scope TEXT NOT NULL,
	key TEXT NOT NULL,
	window_start BIGINT NOT NULL,
	failures BIGINT NOT NULL,
	PRIMARY KEY (scope, key)
);

CREATE TABLE idempotency_keys (
	user_id BIGINT NOT NULL REFERENCES users(id),
	key TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status INTEGER NOT NULL,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (user_id, key)
);

CREATE TABLE audit_events (
	id {{id}},
	at BIGINT NOT NULL,
	actor_id BIGINT,
	actor_role TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id BIGINT NOT NULL,
	summary TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_events_object ON audit_events(object_type, object_id);
