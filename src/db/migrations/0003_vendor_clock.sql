-- 0003_vendor_clock: the vendor's clock.  The scheduler acts on a vendor
-- request when its next step falls due (overdue at the due time, lapsed a
-- grace period later); each step is recorded under a unique key in the
-- same transaction as its effect, so that it happens once however many
-- schedulers run and whenever one stops.

-- When the scheduler next acts on the request; NULL when it never will
-- (answered, cancelled, lapsed).
ALTER TABLE vendor_requests ADD COLUMN next_step_at BIGINT;
-- Until when a scheduler has taken the request to work on (db_claim); 0 when none has.
ALTER TABLE vendor_requests ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;
CREATE INDEX vendor_requests_next_step ON vendor_requests(next_step_at, id);
UPDATE vendor_requests SET next_step_at = due_at WHERE state IN ('open', 'overdue');
-- Requests a program from before this migration makes while a newer one
-- already runs on the same store (a rolling upgrade) have no next step; the
-- scheduler gives them one, finding them by this index (empty otherwise).
CREATE INDEX vendor_requests_unscheduled ON vendor_requests(id)
	WHERE next_step_at IS NULL AND state IN ('open', 'overdue');

-- The steps taken, one row each, never two for the same request and step.
CREATE TABLE vendor_request_steps (
	vendor_request_id BIGINT NOT NULL REFERENCES vendor_requests(id),
	step TEXT NOT NULL CHECK (step IN ('overdue', 'lapse')),
	done_at BIGINT NOT NULL,
	PRIMARY KEY (vendor_request_id, step)
);

-- Whose queue an enquiry is in: the agents', or the supervisors' (a vendor
-- request lapsed without an answer and nothing settled it).
ALTER TABLE enquiries ADD COLUMN queue TEXT NOT NULL DEFAULT 'agents'
	CHECK (queue IN ('agents', 'supervisors'));
