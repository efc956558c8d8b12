// Failure messages and stack traces can name a person ("mail to zelda@acme.test was rejected"), so
// they travel in the failure's encoded attributes: a payload like any other, which the payload codec
// encrypts. Only the failure's type (what the code matches on) stays readable. Loaded by path
// (DataConverter.failureConverterPath) in the worker, the clients and the workflow sandbox: no Node API.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
