-- Up Migration

-- Bulk actions started by a job rather than a person: the stalled-activations sweep records its
-- reminders and resends as a batch (source 'sweep', no uploader), carried out by the same batch
-- workflow as an admin's bulk action.
ALTER TABLE invitation_batches ALTER COLUMN created_by DROP NOT NULL;
ALTER TABLE invitation_batches DROP CONSTRAINT invitation_batches_source_check;
ALTER TABLE invitation_batches ADD CONSTRAINT invitation_batches_source_check CHECK (source IN ('csv', 'json', 'sweep'));
ALTER TABLE invitation_batches ADD CONSTRAINT invitation_batches_created_by CHECK (created_by IS NOT NULL OR source = 'sweep');

-- Down Migration
DELETE FROM invitation_batches WHERE source = 'sweep';
ALTER TABLE invitation_batches DROP CONSTRAINT invitation_batches_created_by;
ALTER TABLE invitation_batches DROP CONSTRAINT invitation_batches_source_check;
ALTER TABLE invitation_batches ADD CONSTRAINT invitation_batches_source_check CHECK (source IN ('csv', 'json'));
ALTER TABLE invitation_batches ALTER COLUMN created_by SET NOT NULL;
