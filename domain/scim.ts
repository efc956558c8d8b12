// SCIM 2.0 (RFC 7643 resources, RFC 7644 protocol) as this service provider speaks it: the schema
// URNs, the error vocabulary, and the discovery documents, which describe exactly what is supported.
import type { License } from './licenses';
import type { Role } from './roles';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

export const scimSchemas = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

/** RFC 7644 §3.12 `scimType` values this provider answers with. */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

/** Most resources one list answers with (`count` above it is lowered, RFC 7644 §3.4.2.4). */
export const SCIM_MAX_RESULTS = 200;

/** How the identity provider's users are onboarded; the credentials options need a PIN and security answer SCIM does not carry. */
export type ScimSetupOption = 'send_invite' | 'activate_later';
export const scimSetupOptions = ['send_invite', 'activate_later'] as const satisfies readonly ScimSetupOption[];

/** Group → role and license: a member of the first matching group gets them. */
export interface ScimGroupMapping {
  group: string;
  role: Role;
  license: License;
}

/** The role and license of a user in the given groups (names compared case-insensitively). */
export function roleAndLicenseFor(groups: readonly string[], mappings: readonly ScimGroupMapping[], defaultLicense: License): { role: Role; license: License } {
  const names = new Set(groups.map((g) => g.toLowerCase()));
  const hit = mappings.find((m) => names.has(m.group.toLowerCase()));
  return hit ? { role: hit.role, license: hit.license } : { role: 'user', license: defaultLicense };
}

/** Entra ID sends booleans as "True"/"False" strings in PATCH values. */
export function scimBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return undefined;
}

const attr = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});
const sub = (name: string, type = 'string', extra: Record<string, unknown> = {}) => attr(name, type, extra);
const multi = (name: string, subAttributes: unknown[], extra: Record<string, unknown> = {}) => attr(name, 'complex', { multiValued: true, subAttributes, ...extra });
const typed = (canonical: string[]) => [sub('value'), sub('display'), sub('type', 'string', { canonicalValues: canonical }), sub('primary', 'boolean')];

/** A discovery document (RFC 7643 §5 to §7): its core schema, what it says, and where it is served. */
const discoveryDocument = <T extends object>(schema: string, resourceType: string, location: string, content: T) => ({
  schemas: [schema],
  ...content,
  meta: { resourceType, location },
});

/** A schema's document, served at /Schemas/<its id>. */
const schemaDocument = (id: string, name: string, description: string, attributes: unknown[]) =>
  discoveryDocument(scimSchemas.schema, 'Schema', `/Schemas/${id}`, { id, name, description, attributes });

export const scimSchemaDocuments = [
  schemaDocument(scimSchemas.user, 'User', 'User Account', [
    attr('userName', 'string', { required: true, uniqueness: 'server' }),
    attr('name', 'complex', {
      subAttributes: [sub('formatted'), sub('familyName'), sub('givenName'), sub('middleName'), sub('honorificPrefix'), sub('honorificSuffix')],
    }),
    attr('displayName', 'string'),
    attr('nickName', 'string'),
    attr('title', 'string'),
    attr('userType', 'string'),
    attr('preferredLanguage', 'string'),
    attr('locale', 'string'),
    attr('timezone', 'string'),
    attr('active', 'boolean'),
    multi('emails', typed(['work', 'home', 'other'])),
    multi('phoneNumbers', typed(['work', 'mobile', 'home', 'other'])),
    multi('addresses', [sub('formatted'), sub('streetAddress'), sub('locality'), sub('region'), sub('postalCode'), sub('country'), sub('type'), sub('primary', 'boolean')]),
    multi('groups', [sub('value', 'string', { mutability: 'readOnly' }), attr('$ref', 'reference', { referenceTypes: ['Group'], mutability: 'readOnly' }), sub('display', 'string', { mutability: 'readOnly' })], { mutability: 'readOnly' }),
  ]),
  schemaDocument(scimSchemas.enterpriseUser, 'EnterpriseUser', 'Enterprise User: department is the user\'s cost center here', [
    attr('employeeNumber', 'string'),
    attr('costCenter', 'string'),
    attr('organization', 'string'),
    attr('division', 'string'),
    attr('department', 'string'),
    attr('manager', 'complex', { subAttributes: [sub('value'), attr('$ref', 'reference', { referenceTypes: ['User'] }), sub('displayName', 'string', { mutability: 'readOnly' })] }),
  ]),
  schemaDocument(scimSchemas.group, 'Group', 'Group: its mapping (scim-connection) gives its members a role and a license', [
    attr('displayName', 'string', { required: true, uniqueness: 'server' }),
    multi('members', [sub('value', 'string', { mutability: 'immutable' }), attr('$ref', 'reference', { referenceTypes: ['User'], mutability: 'immutable' }), sub('display', 'string', { mutability: 'immutable' }), sub('type', 'string', { canonicalValues: ['User'], mutability: 'immutable' })]),
  ]),
];

/** A resource type's document, named as its id and served at /ResourceTypes/<its id>. */
const resourceTypeDocument = (id: string, endpoint: string, description: string, schema: string, schemaExtensions: Array<{ schema: string; required: boolean }>) =>
  discoveryDocument(scimSchemas.resourceType, 'ResourceType', `/ResourceTypes/${id}`, { id, name: id, endpoint, description, schema, schemaExtensions });

export const scimResourceTypes = [
  resourceTypeDocument('User', '/Users', 'User Account', scimSchemas.user, [{ schema: scimSchemas.enterpriseUser, required: false }]),
  resourceTypeDocument('Group', '/Groups', 'Group', scimSchemas.group, []),
];

export const scimServiceProviderConfig = discoveryDocument(scimSchemas.serviceProviderConfig, 'ServiceProviderConfig', '/ServiceProviderConfig', {
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: true },
  authenticationSchemes: [
    {
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'The SCIM connection\'s token, created under /v1/accounts/{accountId}/scim-connection/token',
      specUri: 'https://www.rfc-editor.org/info/rfc6750',
      primary: true,
    },
  ],
});
