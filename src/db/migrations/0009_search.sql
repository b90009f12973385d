-- 0009_search: agents search enquiries by order number, customer, shop and
-- subject, and by the text of their messages (db.h: SQLite's FTS5,
-- PostgreSQL's tsvector).
{{text_index:enquiries:order_number,customer_name,shop_name,subject}};
{{text_index:messages:body}};
