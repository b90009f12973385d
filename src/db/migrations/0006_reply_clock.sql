-- 0006_reply_clock: the operator's own clock; vendors' point totals; lapses excused apart.  An enquiry owes the
-- customer a reply from their message: the first within first_reply_hours
-- of the enquiry, later ones within next_reply_hours of the customer's
-- message.  The clock stops while the enquiry waits on the vendor or the
-- customer (the time left is kept) and goes on when it is open again.

-- When the owed reply is due; never (the largest integer) when none is owed
-- or the clock is stopped.
ALTER TABLE enquiries ADD COLUMN reply_due_at BIGINT NOT NULL DEFAULT 9223372036854775807;
-- The time left on a stopped clock (negative: already late); NULL when running or none.
ALTER TABLE enquiries ADD COLUMN reply_left_ms BIGINT;
-- Whether the owed reply is the first.
ALTER TABLE enquiries ADD COLUMN first_reply_at BIGINT;
-- Replies given after their due time.
ALTER TABLE enquiries ADD COLUMN reply_breaches BIGINT NOT NULL DEFAULT 0;
CREATE INDEX enquiries_active_reply ON enquiries(active, reply_due_at, id);

-- Enquiries already open owe a reply from the customer's last message
-- (the default 8 hours, or 4 for one nobody has answered yet).
UPDATE enquiries SET reply_due_at = customer_last_message_at
	+ CASE WHEN message_count <= customer_message_count THEN 14400000 ELSE 28800000 END
	WHERE status = 'open';
UPDATE enquiries SET first_reply_at = created_at WHERE message_count > customer_message_count;

-- The queue's covering index, with the reply clock's columns.
DROP INDEX enquiries_active_age;
CREATE INDEX enquiries_active_age ON enquiries(active, created_at, id, category, subject,
	status, priority, assignee_id, assignee_name, escalated, due_at, message_count,
	last_message_at, order_number, shop_name, customer_name, resolved_at, reply_due_at,
	reply_left_ms);

-- A vendor's counting penalty points, kept as they change (added, reversed,
-- expired by the scheduler) so that a change of standing reads one row.
ALTER TABLE vendors ADD COLUMN points BIGINT NOT NULL DEFAULT 0;
UPDATE vendors SET points = (SELECT COALESCE(SUM(p.points), 0) FROM vendor_points p
	WHERE p.vendor_id = vendors.id AND p.reversed_at IS NULL AND p.expiry_seen = 0);

-- A lapse excused on appeal, apart from the late mark before it: a request
-- is appealed once for its late mark and once for its lapse.
ALTER TABLE vendor_requests ADD COLUMN lapse_excused INTEGER NOT NULL DEFAULT 0;
UPDATE vendor_requests SET lapse_excused = 1 WHERE late_excused = 1 AND id IN
	(SELECT subject_id FROM appeals WHERE subject_type = 'vendor_request' AND kind = 'lapse'
	AND state = 'reversed');
