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

/** /signup/:token: an invitation's link. */
function invitationPages(app: Parameters<FastifyPluginAsyncZod>[0], signup: SignupService, { views, submits }: Limits) {
  app.get('/signup/:token', {
    config: views,
    schema: pageSchema('The signup page an invitation link opens (HTML); opening it changes nothing'),
  }, async (request, reply) => {
    const invitation = await signup.findByToken(request.params.token);
    const ask = askAction(request.params.token);
    if (!invitation) return reply.code(404).send(linkNotUsablePage('unknown', undefined, ask));
    // `sending`: the message can arrive a moment before the workflow records it; its token is current.
    if (invitation.stage !== 'awaiting_signup' && invitation.stage !== 'sending') return reply.code(410).send(linkNotUsablePage(notUsableReason(invitation.stage), invitation.companyName, ask));
    return reply.send(signupFormPage(invitation, `/signup/${encodeURIComponent(request.params.token)}`));
  });

  app.post('/signup/:token', {
    config: { ...submits, waitsForWorkflow: true },
    schema: formSchema('Submit the signup form (application/x-www-form-urlencoded); answers an HTML page'),
  }, async (request, reply) => {
    const outcome = await signup.submit(request.params.token, request.body);
    if (outcome.kind !== 'link-not-usable') return submitted(reply, outcome.invitation, `/signup/${encodeURIComponent(request.params.token)}`, request.body, outcome);
    return reply.code(outcome.invitation ? 410 : 404).send(linkNotUsablePage(notUsableReason(outcome.invitation?.stage), outcome.invitation?.companyName, askAction(request.params.token)));
  });
}

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

/** /join/:token: the account's invite link. */
function joinPages(app: Parameters<FastifyPluginAsyncZod>[0], joins: JoinService, { views, submits }: Limits) {
  app.get('/join/:token', {
    config: views,
    schema: pageSchema('The invite link\'s signup page (HTML); opening it changes nothing'),
  }, async (request, reply) => {
    const page = await joins.joinPage(request.params.token);
    if (!page) return reply.code(404).send(joinNotUsable());
    return reply.send(signupFormPage(page, `/join/${encodeURIComponent(request.params.token)}`));
  });

  app.post('/join/:token', {
    config: { ...submits, waitsForWorkflow: true },
    schema: formSchema('Sign up through the invite link (form post); answers an HTML page'),
  }, async (request, reply) => {
    const outcome = await joins.join(request.params.token, request.body);
    if (outcome.kind !== 'link-not-usable') return submitted(reply, outcome.page, `/join/${encodeURIComponent(request.params.token)}`, request.body, outcome);
    return reply.code(410).send(joinNotUsable());
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
  invitationPages(app, signup, pageLimits);
  joinPages(app, joins, pageLimits);
  invitationRequestPage(app, invitationRequests, limits.invitationRequestsPerHour);
};

export default signupPageRoutes;
