-- 0010_overview: the admins' overview counts the vendor's clock's steps by
-- day (overdue, lapse) over the last weeks without reading them all.
CREATE INDEX vendor_request_steps_done ON vendor_request_steps(step, done_at);
