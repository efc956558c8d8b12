// /signup/:token: the page behind the link in an invitation. GET only reads (mail scanners open links).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SignupService } from '../../services/signup';
import { linkNotUsablePage, signupFormPage } from './pages';

const signupPageRoutes: FastifyPluginAsyncZod<{ signup: SignupService }> = async (app, { signup }) => {
  app.get('/signup/:token', {
    schema: { tags: ['signup pages'], summary: 'The signup page an invitation link opens (HTML)', params: z.object({ token: z.string().max(200) }) },
  }, async (request, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    const invitation = await signup.findByToken(request.params.token);
    if (!invitation) return reply.code(404).send(linkNotUsablePage('unknown'));
    switch (invitation.stage) {
      case 'awaiting_signup':
        return reply.send(signupFormPage(invitation, `/signup/${encodeURIComponent(request.params.token)}`));
      case 'expired':
      case 'revoked':
        return reply.code(410).send(linkNotUsablePage(invitation.stage, invitation.companyName));
      case 'license_pending':
      case 'activated':
        return reply.code(410).send(linkNotUsablePage('used', invitation.companyName));
      default:
        return reply.code(410).send(linkNotUsablePage('failed', invitation.companyName));
    }
  });
};

export default signupPageRoutes;
