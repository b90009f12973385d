-- 0002_screening: what the screening engine found in vendors' text, the
-- violations it opened, and the handles vendors are registered with.

-- A vendor's social and messaging handles, comma-separated ("@janemakes, tiktok:janemakes").
ALTER TABLE vendors ADD COLUMN handles TEXT NOT NULL DEFAULT '';

-- For a vendor's message: the findings as JSON [{"kind","start","end"}], byte offsets into body,
-- and the values of the contact details in it (["p:700900123", "v:jane@example.com"]), which
-- replies to the customer may not carry.
ALTER TABLE messages ADD COLUMN findings TEXT;
ALTER TABLE messages ADD COLUMN contact_values TEXT;

-- A vendor's message that carried contact details or an invitation to talk
-- elsewhere; an agent confirms or dismisses it.  Confirmed ones count
-- against the vendor.
CREATE TABLE violations (
	id {{id}},
	vendor_id BIGINT NOT NULL REFERENCES vendors(id),
	enquiry_id BIGINT NOT NULL REFERENCES enquiries(id),
	message_id BIGINT NOT NULL UNIQUE REFERENCES messages(id),
	kinds TEXT NOT NULL,
	evidence TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('open', 'confirmed', 'dismissed')),
	created_at BIGINT NOT NULL,
	decided_by BIGINT REFERENCES users(id),
	decided_at BIGINT,
	reason TEXT
);
CREATE INDEX violations_state ON violations(state, id);
CREATE INDEX violations_vendor ON violations(vendor_id, state);
