// What admins (and the identity provider) ask of a running offboarding: the handlers only record
// requests in the state; the stages act on them and the handlers answer once they have.
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { failureTypes } from '../../domain/failures';
import { stageWords } from '../../domain/stages';
import { seatsAdded } from '../invitation/definitions';
import { deactivationRequested, deskphoneReturned, getOffboardingStatus, reactivateUser } from './definitions';
import { reactivating, reactivationSettled, receivingDeskphones, type OffboardingState } from './state';

const wrongStage = (message: string) => ApplicationFailure.create({ type: failureTypes.wrongStage, nonRetryable: true, message });

export function handleRequests(s: OffboardingState): void {
  const { status, requests: asked } = s;
  setHandler(getOffboardingStatus, () => status);
  setHandler(seatsAdded, () => {
    asked.seatsAdded = true;
  });
  // Already being offboarded: nothing more to do. Reactivated (or on the way): offboarded again.
  setHandler(deactivationRequested, () => {
    if (reactivating(status.stage)) asked.deactivate = true;
  });
  setHandler(
    reactivateUser,
    async ({ requestedBy }) => {
      if (reactivationSettled(s)) return status;
      asked.reactivate ??= { requestedBy };
      await condition(() => reactivationSettled(s));
      return status;
    },
    {
      validator: (_request) => {
        if (s.closing) throw wrongStage('The offboarding has just ended; try again');
      },
    },
  );
  handleDeskphoneReturns(s);
}

function handleDeskphoneReturns(s: OffboardingState): void {
  const { status, requests: asked } = s;
  setHandler(
    deskphoneReturned,
    async ({ deviceId }) => {
      if (!status.deskphonesReceived.includes(deviceId) && !asked.received.includes(deviceId)) asked.received.push(deviceId);
      await condition(() => status.deskphonesReceived.includes(deviceId) || !receivingDeskphones(status.stage));
      if (!status.deskphonesReceived.includes(deviceId)) throw wrongStage(`Deskphone ${deviceId} was not received: the user is ${stageWords(status.stage)}`);
      return status;
    },
    {
      validator: ({ deviceId }) => {
        if (status.deskphonesReceived.includes(deviceId)) return;
        if (s.closing || !receivingDeskphones(status.stage) || !status.deskphonesOut.includes(deviceId)) {
          throw wrongStage(`Deskphone ${deviceId} is not awaited back from this user (${stageWords(status.stage)})`);
        }
      },
    },
  );
}
