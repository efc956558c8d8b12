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

const EXTENSIONS = [scimSchemas.enterpriseUser];
const extensionNamed = (path: string | undefined) => EXTENSIONS.find((e) => e.toLowerCase() === path?.toLowerCase());

/**
 * The library reads the dots of "…:enterprise:2.0:User" as a path when the extension itself is the
 * target: such operations are spelt out per sub-attribute (`…:2.0:User:department`), which it handles.
 */
function spellOutExtension(op: ScimPatchOperation): ScimPatchOperation[] {
  if (op.op === 'remove') return [op];
  const ext = extensionNamed(op.path);
  if (ext && op.value && typeof op.value === 'object' && !Array.isArray(op.value)) {
    return Object.entries(op.value as Json).map(([k, v]) => ({ op: op.op, path: `${ext}:${k}`, value: manager(`${ext}:${k}`, v) }) as ScimPatchOperation);
  }
  if (!op.path && op.value && typeof op.value === 'object') {
    const value: Json = {};
    for (const [k, v] of Object.entries(op.value as Json)) {
      const e = extensionNamed(k);
      if (e && v && typeof v === 'object' && !Array.isArray(v)) for (const [sk, sv] of Object.entries(v as Json)) value[`${e}:${sk}`] = manager(`${e}:${sk}`, sv);
      else value[k] = v;
    }
    return [{ ...op, value } as ScimPatchOperation];
  }
  return [op];
}

export function patchOperations(body: unknown): ScimPatchOperation[] {
  const b = body as { schemas?: unknown; Operations?: unknown; operations?: unknown } | null;
  if (!b || typeof b !== 'object') throw scimErrors.invalidSyntax('The body must be a PatchOp message.');
  if (!Array.isArray(b.schemas) || !b.schemas.includes(scimSchemas.patchOp)) throw scimErrors.invalidSyntax(`schemas must contain ${scimSchemas.patchOp}.`);
  const ops = b.Operations ?? b.operations;
  if (!Array.isArray(ops) || ops.length === 0) throw scimErrors.invalidSyntax('Operations must be a non-empty array.');
  return ops.flatMap((o: Json) => spellOutExtension(operation(o)));
}

function operation(o: Json): ScimPatchOperation {
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
}

/** The resource after the operations; any operation the library refuses refuses the whole PATCH. */
export function applyPatch<T extends Json>(resource: T, ops: ScimPatchOperation[]): T {
  try {
    let result = structuredClone(resource) as Json;
    for (const op of ops) {
      const ext = op.op === 'remove' ? extensionNamed(op.path) : undefined;
      if (ext) {
        // Removing the whole extension (the library cannot address it, see spellOutExtension).
        const { [ext]: _removed, ...rest } = result;
        result = { ...rest, schemas: ((rest.schemas as string[] | undefined) ?? []).filter((s) => s !== ext) };
      } else {
        result = scimPatch(result as unknown as ScimResource, [op], { mutateDocument: false, treatMissingAsAdd: true }) as unknown as Json;
      }
    }
    return result as T;
  } catch (err) {
    if (err instanceof LibraryScimError) {
      if (err.scimCode === 'noTarget') throw scimErrors.noTarget(err.message);
      if (err.scimCode === 'invalidPath') throw scimErrors.invalidPath(err.message);
      throw scimErrors.invalidValue(err.message);
    }
    throw err;
  }
}
