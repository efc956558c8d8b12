// SCIM resources in and out: what a User body must hold, what the user row takes from it, how a
// resource is rendered (id, meta with its version, read-only groups), and the attributes /
// excludedAttributes projection (RFC 7644 §3.9).
import { scimBoolean, scimSchemas } from '../../../domain/scim';
import { scimErrors } from './scim-errors';

type Json = Record<string, unknown>;

/** Attributes the server owns: whatever the client sends for them is ignored (RFC 7643 §3.1, readOnly). */
const SERVER_OWNED = ['id', 'meta', 'groups'];

export interface UserInput {
  userName: string;
  externalId: string | null;
  active: boolean;
  /** The resource as stored: the client's attributes without the server-owned ones. */
  resource: Json;
  /** Undefined when the user has none (only a userName that is no address). */
  email: string | undefined;
  firstName: string;
  lastName: string;
  costCenter: string | null;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function primaryEmail(resource: Json, userName: string): string | undefined {
  const emails = Array.isArray(resource.emails) ? (resource.emails as Json[]).filter((e) => e && typeof e === 'object' && str(e.value)) : [];
  const chosen = emails.find((e) => scimBoolean(e.primary) === true) ?? emails.find((e) => String(e.type ?? '').toLowerCase() === 'work') ?? emails[0];
  const email = str(chosen?.value) ?? (userName.includes('@') ? userName : undefined);
  return email?.toLowerCase();
}

/** A User body (POST or PUT, or the result of a PATCH) checked and reduced to what is stored. */
export function userInput(body: unknown): UserInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw scimErrors.invalidSyntax('The body must be a JSON object.');
  const resource: Json = { ...(body as Json) };
  for (const k of SERVER_OWNED) delete resource[k];
  const userName = str(resource.userName);
  if (!userName) throw scimErrors.invalidValue('userName is required.');
  if (userName.length > 254) throw scimErrors.invalidValue('userName is at most 254 characters.');
  const externalId = resource.externalId === undefined || resource.externalId === null ? null : str(resource.externalId);
  if (externalId === undefined) throw scimErrors.invalidValue('externalId must be a non-empty string.');
  // Absent (never sent, or removed by a PATCH) means active: only `active: false` takes a person out.
  const active = resource.active === undefined || resource.active === null ? true : scimBoolean(resource.active);
  if (active === undefined) throw scimErrors.invalidValue('active must be true or false.');
  if (resource.active === undefined || resource.active === null) delete resource.active;
  else resource.active = active;
  resource.userName = userName;
  if (!Array.isArray(resource.schemas)) resource.schemas = [scimSchemas.user];
  // The product's users need an email: without one the SCIM user is kept but not onboarded until one is given.
  const email = primaryEmail(resource, userName);
  if (email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw scimErrors.invalidValue(`${email} is not an email address.`);
  const name = (resource.name && typeof resource.name === 'object' ? resource.name : {}) as Json;
  const display = str(resource.displayName)?.split(/\s+/) ?? [];
  const firstName = str(name.givenName) ?? display[0] ?? (email ?? userName).split('@')[0]!;
  const lastName = str(name.familyName) ?? (display.length > 1 ? display.slice(1).join(' ') : '-');
  const ent = (resource[scimSchemas.enterpriseUser] ?? {}) as Json;
  // Entra ID may send the manager as its id alone.
  if (typeof ent.manager === 'string') ent.manager = { value: ent.manager };
  const costCenter = str(ent.department) ?? str(ent.costCenter) ?? null;
  if (resource[scimSchemas.enterpriseUser] && !(resource.schemas as string[]).includes(scimSchemas.enterpriseUser)) {
    resource.schemas = [...(resource.schemas as string[]), scimSchemas.enterpriseUser];
  }
  return { userName, externalId, active, resource, email, firstName: firstName.slice(0, 100), lastName: lastName.slice(0, 100), costCenter: costCenter?.slice(0, 100) ?? null };
}

export const etagOf = (version: number) => `W/"${version}"`;

/** If-Match's version (`W/"3"` or `"3"`); `*` or none: undefined (any version). */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (!header || header.trim() === '*') return undefined;
  const m = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  if (!m) throw scimErrors.versionMismatch();
  return Number(m[1]);
}

export interface Meta {
  resourceType: 'User' | 'Group';
  created: Date;
  lastModified: Date;
  location: string;
  version: number;
}

export const renderMeta = (m: Meta) => ({ resourceType: m.resourceType, created: m.created.toISOString(), lastModified: m.lastModified.toISOString(), location: m.location, version: etagOf(m.version) });

/** `attributes` / `excludedAttributes` (comma-separated, case-insensitive, URN-prefixed or dotted one level). */
export function project(resource: Json, attributes?: string, excluded?: string): Json {
  const list = (s?: string) => (s ? s.split(',').map((a) => a.trim()).filter(Boolean) : []);
  const include = list(attributes), exclude = list(excluded);
  if (include.length === 0 && exclude.length === 0) return resource;
  const split = (a: string) => {
    const urn = [scimSchemas.enterpriseUser, scimSchemas.user, scimSchemas.group].find((u) => a.toLowerCase().startsWith(u.toLowerCase() + ':'));
    if (urn === scimSchemas.enterpriseUser) return [urn, ...a.slice(urn.length + 1).split('.')];
    return (urn ? a.slice(urn.length + 1) : a).split('.');
  };
  const keyOf = (obj: Json, k: string) => Object.keys(obj).find((x) => x.toLowerCase() === k.toLowerCase());
  const always = ['id', 'schemas'];
  if (include.length > 0) {
    const out: Json = {};
    for (const k of always) if (k in resource) out[k] = resource[k];
    for (const a of include) {
      const [top, subName] = split(a);
      const key = keyOf(resource, top!);
      if (!key) continue;
      const v = resource[key];
      if (!subName || !v || typeof v !== 'object') out[key] = v;
      else if (Array.isArray(v)) out[key] = v.map((e: Json) => { const sk = keyOf(e, subName); return sk ? { [sk]: e[sk] } : {}; });
      else { const sk = keyOf(v as Json, subName); out[key] = { ...(out[key] as Json | undefined), ...(sk ? { [sk]: (v as Json)[sk] } : {}) }; }
    }
    return out;
  }
  const out: Json = { ...resource };
  for (const a of exclude) {
    const [top, subName] = split(a);
    const key = keyOf(out, top!);
    if (!key || always.includes(key)) continue;
    if (!subName) delete out[key];
    else if (out[key] && typeof out[key] === 'object' && !Array.isArray(out[key])) {
      const copy = { ...(out[key] as Json) };
      const sk = keyOf(copy, subName);
      if (sk) delete copy[sk];
      out[key] = copy;
    }
  }
  return out;
}
