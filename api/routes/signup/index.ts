// /signup/:token: the page behind the link in an invitation, and its form's submission.
// GET only reads (mail scanners open links); only the POST uses the token.
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { signupRateLimit, type RateLimitSettings } from '../../plugins/rate-limits';
import type { InviteLinkService, JoinPage } from '../../services/invite-links';
import type { InvitationForSignup, SignupService } from '../../services/signup';
import { linkNotUsablePage, notUsableReason, signedUpPage, signupFormPage } from './pages';

const tokenParams = z.object({ token: z.string().max(200) });
const formField = z.string().max(1000).optional();
const signupForm = z.object({
  email: formField, dateOfBirth: formField, firstName: formField, lastName: formField, companyName: formField,
  password: formField, passwordConfirmation: formField, acceptTerms: formField, acceptPrivacy: formField, acceptAcceptableUse: formField,
});

/** The join page is the signup form of the invite link: it asks for the email too. */
const asSignupPage = (p: JoinPage): InvitationForSignup => ({ invitationId: p.linkId, channel: 'link', companyName: p.companyName, inviterName: p.inviterName, inviteeEmail: null, locale: p.locale, stage: 'awaiting_signup' });
const joinNotUsable = () => linkNotUsablePage('invite-link-gone');

const signupPageRoutes: FastifyPluginAsyncZod<{ signup: SignupService; inviteLinks: InviteLinkService; limits: RateLimitSettings }> = async (app, { signup, inviteLinks, limits }) => {
  const views = signupRateLimit(limits.signupViewsPerMinute);
  const submits = signupRateLimit(limits.signupSubmitsPerMinute);
  await app.register(formbody);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
  });

  app.get('/signup/:token', {
    config: views,
    schema: { tags: ['signup pages'], summary: 'The signup page an invitation link opens (HTML); opening it changes nothing', params: tokenParams },
  }, async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    const invitation = await signup.findByToken(request.params.token);
    if (!invitation) return reply.code(404).send(linkNotUsablePage('unknown'));
    // `sending`: the message can arrive a moment before the workflow records it; its token is current.
    if (invitation.stage !== 'awaiting_signup' && invitation.stage !== 'sending') return reply.code(410).send(linkNotUsablePage(notUsableReason(invitation.stage), invitation.companyName));
    return reply.send(signupFormPage(invitation, `/signup/${encodeURIComponent(request.params.token)}`));
  });

  app.post('/signup/:token', {
    config: submits,
    schema: {
      tags: ['signup pages'],
      summary: 'Submit the signup form (application/x-www-form-urlencoded); answers an HTML page',
      params: tokenParams,
      body: signupForm,
    },
  }, async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    const outcome = await signup.submit(request.params.token, request.body);
    switch (outcome.kind) {
      case 'signed-up':
        return reply.send(signedUpPage(outcome.invitation, outcome.result.stage));
      case 'refused': {
        const { password: _p, passwordConfirmation: _c, ...keep } = request.body;
        return reply.code(422).send(signupFormPage(outcome.invitation, `/signup/${encodeURIComponent(request.params.token)}`, { form: keep, errors: outcome.errors }));
      }
      case 'link-not-usable':
        return reply.code(outcome.invitation ? 410 : 404).send(linkNotUsablePage(notUsableReason(outcome.invitation?.stage), outcome.invitation?.companyName));
    }
  });

  app.get('/join/:token', {
    config: views,
    schema: { tags: ['signup pages'], summary: 'The invite link\'s signup page (HTML); opening it changes nothing', params: tokenParams },
  }, async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    const page = await inviteLinks.joinPage(request.params.token);
    if (!page) return reply.code(404).send(joinNotUsable());
    return reply.send(signupFormPage(asSignupPage(page), `/join/${encodeURIComponent(request.params.token)}`));
  });

  app.post('/join/:token', {
    config: submits,
    schema: { tags: ['signup pages'], summary: 'Sign up through the invite link (form post); answers an HTML page', params: tokenParams, body: signupForm },
  }, async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    const outcome = await inviteLinks.join(request.params.token, request.body);
    switch (outcome.kind) {
      case 'signed-up':
        return reply.send(signedUpPage(asSignupPage(outcome.page), outcome.result.stage));
      case 'refused': {
        const { password: _p, passwordConfirmation: _c, ...keep } = request.body;
        return reply.code(422).send(signupFormPage(asSignupPage(outcome.page), `/join/${encodeURIComponent(request.params.token)}`, { form: keep, errors: outcome.errors }));
      }
      case 'link-not-usable':
        return reply.code(410).send(joinNotUsable());
    }
  });
};

export default signupPageRoutes;
