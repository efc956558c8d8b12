-- Up Migration

-- The API keeps the callers it verified in memory (api/services/credentials/caller-cache.ts) so a
-- request costs no credential lookup. Whatever changes who a caller is (a credential revoked or
-- deleted; its holder disabled, deleted, given another role, purchase right or name) is announced on
-- the `caller_changes` channel at commit, by whichever process or activity wrote it, and every API
-- process drops that caller at once. Stage writes to users change none of these columns: no notice.
CREATE FUNCTION notify_caller_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'api_credentials' THEN
    PERFORM pg_notify('caller_changes', 'credential:' || OLD.id);
  ELSE
    PERFORM pg_notify('caller_changes', 'user:' || OLD.id);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER api_credentials_caller_changes AFTER UPDATE OR DELETE ON api_credentials
  FOR EACH ROW EXECUTE FUNCTION notify_caller_change();

CREATE TRIGGER users_caller_changes AFTER UPDATE OF role, status, can_purchase, first_name, last_name ON users
  FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.status IS DISTINCT FROM NEW.status
                     OR OLD.can_purchase IS DISTINCT FROM NEW.can_purchase
                     OR OLD.first_name IS DISTINCT FROM NEW.first_name OR OLD.last_name IS DISTINCT FROM NEW.last_name)
  EXECUTE FUNCTION notify_caller_change();

CREATE TRIGGER users_deleted_caller_changes AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION notify_caller_change();

-- Down Migration
DROP TRIGGER users_deleted_caller_changes ON users;
DROP TRIGGER users_caller_changes ON users;
DROP TRIGGER api_credentials_caller_changes ON api_credentials;
DROP FUNCTION notify_caller_change();
