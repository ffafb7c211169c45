-- PATCH could leave a fallback URL without its trigger; such a fallback never
-- applied, so clearing it changes no redirect. Validating takes a lock that
-- lets reads and writes go on (SHARE UPDATE EXCLUSIVE), in its own
-- transaction: 0003 added the constraints without a scan.
update links set expired_url = null where expired_url is not null and expires_at is null;
update links set exhausted_url = null where exhausted_url is not null and max_clicks is null;
alter table links validate constraint links_expired_url_needs_expires_at;
alter table links validate constraint links_exhausted_url_needs_max_clicks;
