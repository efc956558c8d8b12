// /signup/:token: the page behind the link in an invitation, and its form's submission.
// GET only reads (mail scanners open links); only the POST uses the token.
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { signupRateLimit, type RateLimitSettings } from '../../plugins/rate-limits';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { InvitationRequestService } from '../../services/invitation-requests';
import { mayBeToken, type JoinService, type SignupForm, type SignupService } from '../../services/signup';
import { invitationRequestedPage, linkNotUsablePage, notUsableReason, signedUpPage, signupFormPage, type SignupPageContext } from './pages';
import type { FieldError } from '../../../domain/field-errors';
import type { SignupResult } from '../../../workflows/invitation/definitions';

const tokenParams = z.strictObject({ token: z.string().max(200) });
const formField = z.string().max(1000).optional();
const signupForm = z.strictObject({
  email: formField, dateOfBirth: formField, firstName: formField, lastName: formField, companyName: formField,
  password: formField, passwordConfirmation: formField, acceptTerms: formField, acceptPrivacy: formField, acceptAcceptableUse: formField,
});

const joinNotUsable = () => linkNotUsablePage('invite-link-gone');

/** The pages answer HTML, whatever the status; what they refuse before the page (validation, limits) is problem+json. */
const page = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const pageResponses = {
  200: page('The page'),
  404: page('No such link'),
  410: page('The link can no longer be used (expired, revoked, used)'),
};
const formResponses = { ...pageResponses, 200: page('Signed up'), 422: page('The form again, with each error next to its field') };
/** A person's browser posts the form; scripts may post JSON. */
const consumes = ['application/x-www-form-urlencoded', 'application/json'];
/** A link's page (GET) and its form's post (POST), in the document. */
const pageSchema = (summary: string) => ({ tags: ['signup pages'], summary, params: tokenParams, response: pageResponses });
const formSchema = (summary: string) => ({ ...pageSchema(summary), body: signupForm, consumes, response: formResponses });
/** Where a link's "Ask for a new invitation" posts: offered for any well-formed token. */
const askAction = (token: string) => (mayBeToken(token) ? `/signup/${encodeURIComponent(token)}/invitation-request` : undefined);

/** A refused form again, with each error next to its field and what was typed kept (passwords excepted). */
function formAgain(reply: FastifyReply, page: SignupPageContext, action: string, body: SignupForm, errors: FieldError[]) {
  const { password: _p, passwordConfirmation: _c, ...keep } = body;
  return reply.code(422).send(signupFormPage(page, action, { form: keep, errors }));
}

/** A form the workflow took or refused (an invitation's or the invite link's): the welcome page, or the form again with its errors. */
function submitted(reply: FastifyReply, page: SignupPageContext, action: string, body: SignupForm, outcome: { kind: 'signed-up'; result: SignupResult } | { kind: 'refused'; errors: FieldError[] }) {
  return outcome.kind === 'signed-up' ? reply.send(signedUpPage(page, outcome.result.stage)) : formAgain(reply, page, action, body, outcome.errors);
}

type Limits = { views: ReturnType<typeof signupRateLimit>; submits: ReturnType<typeof signupRateLimit> };

/** A link's two pages: what each says in the document, and how each answers. */
interface LinkPages {
  pageSummary: string;
  formSummary: string;
  page(token: string, action: string, reply: FastifyReply): Promise<FastifyReply>;
  submit(token: string, action: string, body: SignupForm, reply: FastifyReply): Promise<FastifyReply>;
}

/**
 * A link's signup page (GET: reads only) and its form's post (POST), at `/<link>/:token`: an
 * invitation's link or the invite link. Each answer gets the token and the form's own address.
 */
function linkPages(app: Parameters<FastifyPluginAsyncZod>[0], link: 'signup' | 'join', { views, submits }: Limits, pages: LinkPages) {
  const action = (token: string) => `/${link}/${encodeURIComponent(token)}`;
  app.get(`/${link}/:token`, {
    config: views,
    schema: pageSchema(pages.pageSummary),
  }, async (request, reply) => pages.page(request.params.token, action(request.params.token), reply));

  app.post(`/${link}/:token`, {
    config: { ...submits, waitsForWorkflow: true },
    schema: formSchema(pages.formSummary),
  }, async (request, reply) => pages.submit(request.params.token, action(request.params.token), request.body, reply));
}

/** /signup/:token: an invitation's link. */
const invitationLinkPages = (signup: SignupService): LinkPages => ({
  pageSummary: 'The signup page an invitation link opens (HTML); opening it changes nothing',
  formSummary: 'Submit the signup form (application/x-www-form-urlencoded); answers an HTML page',
  async page(token, action, reply) {
    const invitation = await signup.findByToken(token);
    const ask = askAction(token);
    if (!invitation) return reply.code(404).send(linkNotUsablePage('unknown', undefined, ask));
    // `sending`: the message can arrive a moment before the workflow records it; its token is current.
    if (invitation.stage !== 'awaiting_signup' && invitation.stage !== 'sending') return reply.code(410).send(linkNotUsablePage(notUsableReason(invitation.stage), invitation.companyName, ask));
    return reply.send(signupFormPage(invitation, action));
  },
  async submit(token, action, body, reply) {
    const outcome = await signup.submit(token, body);
    if (outcome.kind !== 'link-not-usable') return submitted(reply, outcome.invitation, action, body, outcome);
    return reply.code(outcome.invitation ? 410 : 404).send(linkNotUsablePage(notUsableReason(outcome.invitation?.stage), outcome.invitation?.companyName, askAction(token)));
  },
});

/** /join/:token: the account's invite link. */
const inviteLinkPages = (joins: JoinService): LinkPages => ({
  pageSummary: 'The invite link\'s signup page (HTML); opening it changes nothing',
  formSummary: 'Sign up through the invite link (form post); answers an HTML page',
  async page(token, action, reply) {
    const page = await joins.joinPage(token);
    if (!page) return reply.code(404).send(joinNotUsable());
    return reply.send(signupFormPage(page, action));
  },
  async submit(token, action, body, reply) {
    const outcome = await joins.join(token, body);
    if (outcome.kind !== 'link-not-usable') return submitted(reply, outcome.page, action, body, outcome);
    return reply.code(410).send(joinNotUsable());
  },
});

/**
 * /signup/:token/invitation-request: "Ask for a new invitation" from a link that does not work.
 * The answer is the same page after the same one database statement, whatever the token; what
 * depends on the invitation (is the link really dead? the admins' email) happens after it is sent.
 */
function invitationRequestPage(app: Parameters<FastifyPluginAsyncZod>[0], invitationRequests: InvitationRequestService, perHour: number) {
  const recorded = new WeakMap<FastifyRequest, string>();
  app.post('/signup/:token/invitation-request', {
    config: signupRateLimit(perHour, '1 hour'),
    schema: {
      tags: ['signup pages'],
      summary: 'Ask the account\'s admins for a new invitation (form post from an expired or revoked link\'s page); answers the same HTML page whatever the link',
      params: tokenParams,
      response: { 200: page('Request sent (the same page whatever the link)') },
    },
    onResponse: async (request) => {
      const requestId = recorded.get(request);
      if (!requestId) return;
      await invitationRequests.followUp(requestId).catch((err: unknown) => request.log.error({ err }, 'invitation request follow-up failed'));
    },
  }, async (request, reply) => {
    const requestId = await invitationRequests.ask(request.params.token);
    if (requestId) recorded.set(request, requestId);
    return reply.send(invitationRequestedPage());
  });
}

const signupPageRoutes: FastifyPluginAsyncZod<{ signup: SignupService; joins: JoinService; invitationRequests: InvitationRequestService; limits: RateLimitSettings }> = async (
  app,
  { signup, joins, invitationRequests, limits },
) => {
  await app.register(formbody);
  // Pages for people; a problem (e.g. 429) still leaves as problem+json, set by the error handler.
  app.addHook('onRequest', async (_request, reply) => {
    reply.type('text/html; charset=utf-8');
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  });
  const pageLimits = { views: signupRateLimit(limits.signupViewsPerMinute), submits: signupRateLimit(limits.signupSubmitsPerMinute) };
  linkPages(app, 'signup', pageLimits, invitationLinkPages(signup));
  linkPages(app, 'join', pageLimits, inviteLinkPages(joins));
  invitationRequestPage(app, invitationRequests, limits.invitationRequestsPerHour);
};

export default signupPageRoutes;
