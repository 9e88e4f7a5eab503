-- Run once by the postgres image on an empty data volume (docker-compose.yml): one database
-- per service that keeps tables, so their tables and migrations never meet.
CREATE DATABASE wa_store OWNER wa;
CREATE DATABASE wa_reminder OWNER wa;
CREATE DATABASE wa_webhooks OWNER wa;
CREATE DATABASE wa_neonize OWNER wa;
