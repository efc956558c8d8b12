// Every workflow type the worker registers.
export { invitationWorkflow } from './invitation';
