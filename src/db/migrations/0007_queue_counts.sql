-- 0007_queue_counts: the desk's queue counts (enquiry_counts), each read as
-- a range of one index: escalated, and by assignee (mine, unassigned).
CREATE INDEX enquiries_active_escalated ON enquiries(active, escalated);
CREATE INDEX enquiries_assignee_active ON enquiries(assignee_id, active);
-- The queue of every enquiry, oldest first.
CREATE INDEX enquiries_age ON enquiries(created_at, id);
