-- Up Migration

-- The API keeps the callers it verified in memory (api/services/credentials/caller-cache.ts) so a
-- request costs no credential lookup. Whatever changes who a caller is (a credential revoked or
-- deleted; its holder disabled, deleted, given another role, purchase right or name) is announced on
-- the `caller_changes` channel at commit, by whichever process or activity wrote it, and every API
-- process drops that caller at once. Stage writes to users change none of these columns: no notice.
-- The account settings inviting reads are kept the same way ('account:<id>'); taking the next
-- extension (a write for every user added) changes none of them.
CREATE FUNCTION notify_caller_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'api_credentials' THEN
    PERFORM pg_notify('caller_changes', 'credential:' || OLD.id);
  ELSIF TG_TABLE_NAME = 'accounts' THEN
    PERFORM pg_notify('caller_changes', 'account:' || OLD.id);
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

CREATE TRIGGER accounts_caller_changes AFTER UPDATE ON accounts
  FOR EACH ROW WHEN ((OLD.name, OLD.company_domains, OLD.plan, OLD.country, OLD.locale, OLD.time_zone, OLD.users_may_invite,
                      OLD.require_unique_email, OLD.multi_site, OLD.invitation_lifetime_seconds)
                     IS DISTINCT FROM (NEW.name, NEW.company_domains, NEW.plan, NEW.country, NEW.locale, NEW.time_zone, NEW.users_may_invite,
                                       NEW.require_unique_email, NEW.multi_site, NEW.invitation_lifetime_seconds))
  EXECUTE FUNCTION notify_caller_change();

CREATE TRIGGER accounts_deleted_caller_changes AFTER DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION notify_caller_change();

-- Down Migration
DROP TRIGGER accounts_deleted_caller_changes ON accounts;
DROP TRIGGER accounts_caller_changes ON accounts;
DROP TRIGGER users_deleted_caller_changes ON users;
DROP TRIGGER users_caller_changes ON users;
DROP TRIGGER api_credentials_caller_changes ON api_credentials;
DROP FUNCTION notify_caller_change();
