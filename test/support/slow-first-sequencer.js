// Jest test sequencer: the longest files start first, so the two workers finish together instead
// of one running a 40-second fault test alone at the end. Durations come from Jest's cache of the
// previous run; a file without one (a fresh clone) gets its folder's typical duration.
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds, roughly, as measured here (README, "Tests"). */
const typical = [
  [/\/test\/webhooks\/webhook-faults/, 75],
  [/\/test\/offboarding\/churn/, 55],
  [/\/test\/(webhooks\/webhooks|invitations\/invitation-requests|scim\/connection)/, 40],
  [/\/test\/faults\//, 30],
  [/\/test\/operations\/stalled/, 20],
  [/\/test\/(replay\/|adding-users\/|invitations\/lifecycle)/, 12],
  [/\/test\/(fast|domain)\//, 1],
];
const guess = (path) => typical.find(([re]) => re.test(path))?.[1] ?? 6;

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const seconds = (test) => {
      const ms = this.time(test);
      return ms == null ? guess(test.path) : ms / 1000;
    };
    return [...tests].sort((a, b) => seconds(b) - seconds(a));
  }
}

module.exports = SlowFirstSequencer;
