-- 0008_feedback: the customer's rating of the help with an enquiry, given
-- once it is resolved: 1 to 5 and a comment.  Staff read it; vendors never.
CREATE TABLE enquiry_feedback (
	enquiry_id BIGINT PRIMARY KEY REFERENCES enquiries(id),
	customer_id BIGINT NOT NULL REFERENCES customers(id),
	score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
	comment TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX enquiry_feedback_time ON enquiry_feedback(created_at);
