-- 0004_consequences: what the vendor's clock does besides changing states.
-- Reminders before a request's due time, automatic refunds when one
-- lapses, and the notifications that tell people (in the portals and by
-- e-mail through an outbox, so that nothing is lost when a process stops).

-- The steps table again, taking the reminders as steps too (its CHECK
-- cannot be widened in place on SQLite).
CREATE TABLE vendor_request_steps_v2 (
	vendor_request_id BIGINT NOT NULL REFERENCES vendor_requests(id),
	step TEXT NOT NULL CHECK (step IN ('reminder_1', 'reminder_2', 'reminder_3', 'reminder_4',
		'overdue', 'lapse')),
	done_at BIGINT NOT NULL,
	PRIMARY KEY (vendor_request_id, step)
);
INSERT INTO vendor_request_steps_v2 (vendor_request_id, step, done_at)
	SELECT vendor_request_id, step, done_at FROM vendor_request_steps;
DROP TABLE vendor_request_steps;
ALTER TABLE vendor_request_steps_v2 RENAME TO vendor_request_steps;

-- Money given back to a customer.  An automatic refund belongs to the
-- vendor request whose lapse caused it (one at most); charged_to says who
-- bears it (an upheld appeal moves it to the operator).
CREATE TABLE refunds (
	id {{id}},
	enquiry_id BIGINT NOT NULL REFERENCES enquiries(id),
	order_id BIGINT NOT NULL REFERENCES orders(id),
	vendor_id BIGINT NOT NULL REFERENCES vendors(id),
	vendor_request_id BIGINT UNIQUE REFERENCES vendor_requests(id),
	kind TEXT NOT NULL CHECK (kind IN ('automatic', 'agent')),
	amount BIGINT NOT NULL CHECK (amount >= 0),
	currency TEXT NOT NULL,
	charged_to TEXT NOT NULL CHECK (charged_to IN ('vendor', 'operator')),
	reason TEXT NOT NULL,
	created_by BIGINT REFERENCES users(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX refunds_order ON refunds(order_id);
CREATE INDEX refunds_vendor ON refunds(vendor_id, created_at);
CREATE INDEX refunds_enquiry ON refunds(enquiry_id);

-- What a user is told in their portal; read_at set when they have seen it.
CREATE TABLE notifications (
	id {{id}},
	user_id BIGINT NOT NULL REFERENCES users(id),
	kind TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	link TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	read_at BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, id) WHERE read_at IS NULL;

-- The e-mail copy of a notification, until a relay has taken it.  The
-- scheduler claims due rows (claimed_until), sends them, and marks them
-- sent, or tries again later (next_attempt_at), up to a limit (failed).
CREATE TABLE mail_outbox (
	id {{id}},
	notification_id BIGINT NOT NULL UNIQUE REFERENCES notifications(id),
	to_addr TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT,
	claimed_until BIGINT NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	sent_at BIGINT
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt_at, id);
