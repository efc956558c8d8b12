// PATCH (RFC 7644 §3.5.2) as the identity providers send it, applied by the scim-patch library:
// Okta's `{"op":"replace","value":{"active":false}}` without a path, Entra ID's capitalised ops
// ("Replace", "Add", "Remove") and "True"/"False" strings, paths with value filters
// (`emails[type eq "work"].value`). This only tidies those dialects before the library applies them.
import { scimPatch, ScimError as LibraryScimError, type ScimPatchOperation, type ScimResource } from 'scim-patch';
import { scimBoolean, scimSchemas } from '../../../domain/scim';
import { scimErrors } from './scim-errors';

type Json = Record<string, unknown>;
const BOOLEAN_PATHS = new Set(['active', 'primary']);

/** "False" → false where the attribute is a boolean (by path, or inside a no-path value object). */
function booleans(path: string | undefined, value: unknown): unknown {
  const leaf = path?.split(/[.:]/).pop()?.replace(/\[.*$/, '').toLowerCase();
  if (leaf && BOOLEAN_PATHS.has(leaf)) return scimBoolean(value) ?? value;
  if (!path && value && typeof value === 'object' && !Array.isArray(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) out[k] = BOOLEAN_PATHS.has(k.toLowerCase()) ? (scimBoolean(v) ?? v) : v;
    return out;
  }
  return value;
}

/** Entra ID sends the manager as its id alone: `{"path":"…:manager","value":"id"}`. */
function manager(path: string | undefined, value: unknown): unknown {
  if (path && /:manager$/i.test(path) && typeof value === 'string') return { value };
  return value;
}

export function patchOperations(body: unknown): ScimPatchOperation[] {
  const b = body as { schemas?: unknown; Operations?: unknown; operations?: unknown } | null;
  if (!b || typeof b !== 'object') throw scimErrors.invalidSyntax('The body must be a PatchOp message.');
  if (!Array.isArray(b.schemas) || !b.schemas.includes(scimSchemas.patchOp)) throw scimErrors.invalidSyntax(`schemas must contain ${scimSchemas.patchOp}.`);
  const ops = b.Operations ?? b.operations;
  if (!Array.isArray(ops) || ops.length === 0) throw scimErrors.invalidSyntax('Operations must be a non-empty array.');
  return ops.map((o: Json) => {
    if (!o || typeof o !== 'object' || typeof o.op !== 'string') throw scimErrors.invalidSyntax('Each operation needs an op.');
    const op = o.op.toLowerCase();
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw scimErrors.invalidSyntax(`Unknown op "${o.op}".`);
    const path = typeof o.path === 'string' && o.path.trim() !== '' ? o.path.trim() : undefined;
    if (op === 'remove') {
      if (!path) throw scimErrors.noTarget('A remove needs a path.');
      return { op, path, ...('value' in o ? { value: o.value } : {}) } as ScimPatchOperation;
    }
    if (!('value' in o)) throw scimErrors.invalidValue(`The ${op} operation needs a value.`);
    return { op, ...(path ? { path } : {}), value: manager(path, booleans(path, o.value)) } as ScimPatchOperation;
  });
}

/** The resource after the operations; any operation the library refuses refuses the whole PATCH. */
export function applyPatch<T extends Json>(resource: T, ops: ScimPatchOperation[]): T {
  try {
    return scimPatch(structuredClone(resource) as unknown as ScimResource, ops, { mutateDocument: false, treatMissingAsAdd: true }) as unknown as T;
  } catch (err) {
    if (err instanceof LibraryScimError) {
      if (err.scimCode === 'noTarget') throw scimErrors.noTarget(err.message);
      if (err.scimCode === 'invalidPath') throw scimErrors.invalidPath(err.message);
      throw scimErrors.invalidValue(err.message);
    }
    throw err;
  }
}
