// The "add users" rules as pure functions: what a request may ask for, and what it would buy.
import { provisioningRequestProblems, missingEmergencyAddress, purchasesFor, quoteSubject, type ProvisioningRequestContext, type NewProvisioningRequest, type NewUserInput } from '../../domain/provisioning-requests';
import { addressProblems } from '../../domain/postal-address';

const ctx: ProvisioningRequestContext = {
  now: new Date('2030-01-01T00:00:00Z'),
  country: 'US',
  multiSite: false,
  sites: [],
  requireUniqueEmail: true,
  deskphonesAvailable: new Set(['DP-1']),
  numbersAvailable: new Set(['+16505550100']),
  emergencyLocations: new Set(),
};
const user = (over: Partial<NewUserInput> = {}): NewUserInput => ({ userType: 'ringex', email: 'a@acme.test', firstName: 'A', lastName: 'B', role: 'user', setup: { option: 'activate_later' }, ...over });
const fields = (req: NewProvisioningRequest, c: Partial<ProvisioningRequestContext> = {}) => provisioningRequestProblems(req, { ...ctx, ...c }).map((p) => p.field);

test('cost center and site only on multi-site accounts, and the site must be the account\'s', () => {
  expect(fields({ users: [user({ site: 'hq' })] })).toEqual(['body.users.0.site']);
  expect(fields({ users: [user({ costCenter: 'R&D' })] })).toEqual(['body.users.0.costCenter']);
  expect(fields({ users: [user({ site: 'hq', costCenter: 'R&D' })] }, { multiSite: true, sites: ['hq'] })).toEqual([]);
  expect(fields({ users: [user({ site: 'paris' })] }, { multiSite: true, sites: ['hq'] })).toEqual(['body.users.0.site']);
});

test('only RingEX users get a deskphone or number; inventory items exist and go to one user each', () => {
  expect(fields({ users: [user({ userType: 'video_pro', number: { option: 'new', region: 'CA', areaCode: '650' } })] })).toEqual(['body.users.0.number']);
  expect(fields({ users: [user({ userType: 'mobile', phone: { option: 'app' } })] })).toEqual([]);
  expect(fields({ users: [user({ phone: { option: 'inventory', deviceId: 'DP-9' } })] })).toEqual(['body.users.0.phone.deviceId']);
  const twice = { users: [user({ phone: { option: 'inventory', deviceId: 'DP-1' } }), user({ email: 'b@acme.test', phone: { option: 'inventory', deviceId: 'DP-1' } })] };
  expect(fields(twice)).toEqual(['body.users.1.phone.deviceId']);
  expect(fields({ users: [user({ number: { option: 'new', region: 'ON', areaCode: '123' } })] })).toEqual(['body.users.0.number.region', 'body.users.0.number.areaCode']);
  expect(fields({ users: [user({ number: { option: 'new', region: 'ON', areaCode: '416' } })] }, { country: 'CA' })).toEqual([]);
});

test('a purchased deskphone needs a catalogue model and a valid shipping address, its own or the request\'s', () => {
  expect(fields({ users: [user({ phone: { option: 'purchase', model: 'poly-vvx-250' } })] })).toEqual(['body.users.0.phone.shipTo']);
  expect(fields({ users: [user({ phone: { option: 'purchase', model: 'nokia-3310' } })], shipTo: { street: '1 Main', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US' } })).toEqual(['body.users.0.phone.model']);
  expect(addressProblems({ street: '1 Rue', city: 'Montréal', region: 'QC', postalCode: 'H2X 1Y4', country: 'CA' }, 'a')).toEqual([]);
  expect(addressProblems({ street: ' ', city: 'Montréal', region: 'TX', postalCode: '12345', country: 'CA' }, 'a').map((p) => p.field)).toEqual(['a.street', 'a.region', 'a.postalCode']);
});

test('credentials: password policy and confirmation, a 4 to 8 digit PIN confirmed, a question and its answer', () => {
  const creds = { password: 'abc', passwordConfirmation: 'abd', temporaryPassword: true, pin: '12a4', pinConfirmation: '12a4', securityQuestion: ' ', securityAnswer: '' };
  expect(fields({ users: [user({ setup: { option: 'assign_credentials', ...creds } })] })).toEqual([
    'body.users.0.setup.password', 'body.users.0.setup.passwordConfirmation', 'body.users.0.setup.pin', 'body.users.0.setup.securityQuestion', 'body.users.0.setup.securityAnswer',
  ]);
  const ok = { ...creds, password: 'letters4u', passwordConfirmation: 'letters4u', pin: '1234', pinConfirmation: '1234', securityQuestion: 'Q?', securityAnswer: 'A' };
  expect(missingEmergencyAddress({ users: [user({ setup: { option: 'assign_credentials', ...ok } }), user({ userType: 'video_pro', setup: { option: 'assign_credentials', ...ok } })] }).map((p) => p.field))
    .toEqual(['body.users.0.setup.emergencyResponseLocation']);
});

test('what a request buys: seats beyond the free ones, deskphones by model, new numbers', () => {
  const shipTo = { street: '1 Main', city: 'Austin', region: 'TX', postalCode: '73301', country: 'US' as const };
  const req = { shipTo, users: [user(), user({ phone: { option: 'purchase', model: 'cisco-6871' }, number: { option: 'new', region: 'TX', areaCode: '512' } }), user({ userType: 'mobile' })] };
  expect(purchasesFor(req, { ringex: 1, video_pro_plus: 0 })).toEqual({
    currency: 'USD',
    totalCents: 3000 + 24900 + 500,
    items: [
      { kind: 'license_seats', item: 'ringex', description: 'RingEX license', quantity: 1, unitPriceCents: 3000, amountCents: 3000, billing: 'monthly' },
      { kind: 'deskphone', item: 'cisco-6871', description: 'Cisco 6871', quantity: 1, unitPriceCents: 24900, amountCents: 24900, billing: 'one_time' },
      { kind: 'phone_number', item: 'local', description: 'New local number', quantity: 1, unitPriceCents: 500, amountCents: 500, billing: 'one_time' },
    ],
  });
  expect(purchasesFor({ users: [user(), user()] }, { ringex: 5, video_pro_plus: 0 }).items).toEqual([]);
});

test('a quote is for the request without its secrets: a changed password keeps it, a changed user does not', () => {
  const creds = { password: 'letters4u', passwordConfirmation: 'letters4u', temporaryPassword: true, pin: '1234', pinConfirmation: '1234', securityQuestion: 'Q?', securityAnswer: 'A' };
  const a = quoteSubject({ users: [user({ setup: { option: 'assign_credentials', ...creds } })] });
  expect(a).not.toContain('letters4u');
  expect(quoteSubject({ users: [user({ setup: { option: 'assign_credentials', ...creds, password: 'other4pass', passwordConfirmation: 'other4pass' } })] })).toBe(a);
  expect(quoteSubject({ users: [user({ lastName: 'C', setup: { option: 'assign_credentials', ...creds } })] })).not.toBe(a);
});
