-- 0005_standing: what a vendor's record holds against it, and how it is
-- put right.  Penalty points (lapses, confirmed violations) with an expiry
-- move a vendor between standings; the marketplace hears of each change
-- through a signed webhook sent from an outbox.  A vendor appeals a late
-- mark, a lapse, an automatic refund's charge or a violation; an agent
-- upholds or reverses it, and a reversal undoes its effect.  The rating is
-- computed from the record when read; a daily snapshot keeps its history.

-- Reminders are recorded by how long before the due time they go out
-- ('reminder_12h'), so that changing vendor_reminder_hours neither skips
-- nor repeats one; those recorded by position are renamed for the default
-- hours (12, 2) they had, and a third or fourth (set by configuration) is
-- dropped: at worst it is sent once more.
CREATE TABLE vendor_request_steps_v3 (
	vendor_request_id BIGINT NOT NULL REFERENCES vendor_requests(id),
	step TEXT NOT NULL CHECK (step IN ('overdue', 'lapse')
		OR (substr(step, 1, 9) = 'reminder_' AND length(step) BETWEEN 11 AND 13)),
	done_at BIGINT NOT NULL,
	PRIMARY KEY (vendor_request_id, step)
);
INSERT INTO vendor_request_steps_v3 (vendor_request_id, step, done_at)
	SELECT vendor_request_id, CASE step WHEN 'reminder_1' THEN 'reminder_12h'
		WHEN 'reminder_2' THEN 'reminder_2h' ELSE step END, done_at
	FROM vendor_request_steps WHERE step NOT IN ('reminder_3', 'reminder_4');
DROP TABLE vendor_request_steps;
ALTER TABLE vendor_request_steps_v3 RENAME TO vendor_request_steps;
-- Open requests made before reminders existed had their next step at the
-- due time; from their creation, the scheduler works out which reminder
-- is still to come.
UPDATE vendor_requests SET next_step_at = CASE WHEN created_at < due_at THEN created_at
	ELSE due_at END, claimed_until = 0 WHERE state = 'open' AND next_step_at = due_at;

-- A late mark or lapse reversed on appeal: the request counts as answered in time.
ALTER TABLE vendor_requests ADD COLUMN late_excused INTEGER NOT NULL DEFAULT 0;
CREATE INDEX vendor_requests_vendor_created ON vendor_requests(vendor_id, created_at);
-- A confirmed violation reversed on appeal.
ALTER TABLE violations ADD COLUMN reversed_at BIGINT;
-- The vendor's standing as last worked out from its points.
ALTER TABLE vendors ADD COLUMN standing TEXT NOT NULL DEFAULT 'good'
	CHECK (standing IN ('good', 'warning', 'restricted', 'suspended'));

-- Points against a vendor, one row per cause (a lapsed request, a confirmed
-- violation), counting until expires_at unless reversed.
CREATE TABLE vendor_points (
	id {{id}},
	vendor_id BIGINT NOT NULL REFERENCES vendors(id),
	source_type TEXT NOT NULL CHECK (source_type IN ('vendor_request', 'violation')),
	source_id BIGINT NOT NULL,
	points BIGINT NOT NULL CHECK (points >= 0),
	reason TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	-- 1 once the scheduler has taken the expiry into the vendor's standing.
	expiry_seen INTEGER NOT NULL DEFAULT 0,
	reversed_at BIGINT,
	UNIQUE (source_type, source_id)
);
CREATE INDEX vendor_points_vendor ON vendor_points(vendor_id, expires_at);
CREATE INDEX vendor_points_expiring ON vendor_points(expires_at) WHERE expiry_seen = 0;

-- Every change of standing, with the points that caused it.
CREATE TABLE vendor_standing_changes (
	id {{id}},
	vendor_id BIGINT NOT NULL REFERENCES vendors(id),
	from_standing TEXT NOT NULL,
	to_standing TEXT NOT NULL,
	points BIGINT NOT NULL,
	cause TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX vendor_standing_changes_vendor ON vendor_standing_changes(vendor_id, id);

-- The rating once a day, so that a change can be explained later.
CREATE TABLE vendor_rating_history (
	vendor_id BIGINT NOT NULL REFERENCES vendors(id),
	day BIGINT NOT NULL,
	score BIGINT NOT NULL,
	requests BIGINT NOT NULL,
	on_time BIGINT NOT NULL,
	lapses BIGINT NOT NULL,
	refunds BIGINT NOT NULL,
	violations BIGINT NOT NULL,
	median_ms BIGINT,
	p90_ms BIGINT,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (vendor_id, day)
);

-- A vendor's appeal against one mark (a request can carry two: late, then
-- lapsed); the text and files are a message from the vendor on the enquiry
-- concerned (staff see it, customers never).
CREATE TABLE appeals (
	id {{id}},
	vendor_id BIGINT NOT NULL REFERENCES vendors(id),
	kind TEXT NOT NULL CHECK (kind IN ('late', 'lapse', 'refund', 'violation')),
	subject_type TEXT NOT NULL CHECK (subject_type IN ('vendor_request', 'refund', 'violation')),
	subject_id BIGINT NOT NULL,
	enquiry_id BIGINT NOT NULL REFERENCES enquiries(id),
	message_id BIGINT NOT NULL REFERENCES messages(id),
	state TEXT NOT NULL CHECK (state IN ('open', 'upheld', 'reversed')),
	created_by BIGINT NOT NULL REFERENCES users(id),
	created_at BIGINT NOT NULL,
	decided_by BIGINT REFERENCES users(id),
	decided_at BIGINT,
	reason TEXT,
	UNIQUE (subject_type, subject_id, kind)
);
CREATE INDEX appeals_state ON appeals(state, id);
CREATE INDEX appeals_vendor ON appeals(vendor_id, id);

-- Announcements to the marketplace's back end (webhook_url), until taken:
-- claimed, sent and retried like the mail outbox.
CREATE TABLE webhook_outbox (
	id {{id}},
	event TEXT NOT NULL,
	body TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT,
	claimed_until BIGINT NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	sent_at BIGINT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(next_attempt_at, id);
