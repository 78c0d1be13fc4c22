-- When the editors were told about an uncertain post. Set only after a message reached at least
-- one of them, so an alert lost to a crash or a refused send is repeated at the next start.
ALTER TABLE deliveries ADD COLUMN reported_at TEXT;
