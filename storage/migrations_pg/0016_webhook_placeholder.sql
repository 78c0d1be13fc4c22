-- Placeholder for 0016 (the webhook branch's migration): it keeps the numbers contiguous while
-- that branch is apart. Drop this file when the webhook branch's 0016 is merged.
SELECT 1;
