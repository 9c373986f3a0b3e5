import { describe, expect, it } from 'vitest';
import { VERBS, VERB_INPUTS, VERB_NAMES, dispatchVerb, isVerb, ok } from '../../../src-main/contract';
import type { SaveAnswerInput, Verb, VigilApi, WindowEvent } from '../../../src-main/contract';

/** Records which verb ran with what; every verb answers ok. */
function fakeApi(): { api: VigilApi; calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  const api: VigilApi = {
    getSnapshot: async () => {
      calls.push(['getSnapshot', undefined]);
      return ok({} as never);
    },
    saveAnswer: async (input: SaveAnswerInput) => {
      calls.push(['saveAnswer', input]);
      return ok({ ...input, savedAt: 1, revision: 1 });
    },
    reportWindowEvent: async (event: WindowEvent) => {
      calls.push(['reportWindowEvent', event]);
      return ok(null);
    },
    submit: async (input) => {
      calls.push(['submit', input]);
      return ok({ submittedAt: 1, reason: 'student', answerCount: 0, delivered: false });
    },
    lockFlushed: async () => {
      calls.push(['lockFlushed', undefined]);
      return ok(null);
    },
    signIn: async (input) => {
      calls.push(['signIn', input]);
      return ok({} as never);
    },
    runSystemCheck: async () => {
      calls.push(['runSystemCheck', undefined]);
      return ok({ at: 1, ok: true, findings: [] });
    },
    startExam: async () => {
      calls.push(['startExam', undefined]);
      return ok({ started: true, check: { at: 1, ok: true, findings: [] } });
    },
    acknowledgeWarning: async (input) => {
      calls.push(['acknowledgeWarning', input]);
      return ok(null);
    },
    requestQuit: async (input) => {
      calls.push(['requestQuit', input]);
      return ok({ allowed: false });
    },
    onSnapshot: () => () => undefined,
  };
  return { api, calls };
}

describe('dispatchVerb', () => {
  it('routes each verb to its method with the parsed payload', async () => {
    const { api, calls } = fakeApi();
    await dispatchVerb(api, 'getSnapshot', undefined);
    await dispatchVerb(api, 'saveAnswer', { questionId: 'q1', value: 'B' });
    await dispatchVerb(api, 'reportWindowEvent', { kind: 'focus', focused: false });
    await dispatchVerb(api, 'submit', { confirm: true });
    await dispatchVerb(api, 'signIn', { studentId: ' ada ', accessCode: 'K7-2Q' });
    expect(calls).toEqual([
      ['getSnapshot', undefined],
      ['saveAnswer', { questionId: 'q1', value: 'B' }],
      ['reportWindowEvent', { kind: 'focus', focused: false }],
      ['submit', { confirm: true }],
      ['signIn', { studentId: 'ada', accessCode: 'K7-2Q' }],
    ]);
  });

  it('has a schema for every verb of the table and no other', () => {
    expect(Object.keys(VERB_INPUTS)).toEqual(Object.keys(VERBS));
    expect(VERB_NAMES).toEqual(Object.keys(VERBS));
    const channels = VERB_NAMES.map((verb) => VERBS[verb].channel);
    expect(new Set(channels).size).toBe(channels.length);
    expect(channels).toContain('vigil:save-answer');
    expect(channels).not.toContain('vigil:shell-exec');
    expect(isVerb('saveAnswer')).toBe(true);
    expect(isVerb('shellExec')).toBe(false);
    expect(isVerb('__proto__')).toBe(false);
  });

  it('strips keys the schema does not know before the engine sees them', async () => {
    const { api, calls } = fakeApi();
    await dispatchVerb(api, 'saveAnswer', { questionId: 'q1', value: 'x', admin: true });
    expect(calls).toEqual([['saveAnswer', { questionId: 'q1', value: 'x' }]]);
  });

  it.each<[Verb, unknown]>([
    ['saveAnswer', { questionId: 'q1' }],
    ['saveAnswer', { questionId: '../etc', value: 'x' }],
    ['saveAnswer', { questionId: 'q1', value: 'x'.repeat(20001) }],
    ['saveAnswer', 'q1=B'],
    ['reportWindowEvent', { kind: 'keylogger' }],
    ['submit', { confirm: false }],
    ['submit', undefined],
    ['getSnapshot', { sneaky: 1 }],
    ['getSnapshot', null],
    ['signIn', { studentId: 'ada' }],
    ['signIn', { studentId: '', accessCode: 'x' }],
    ['signIn', { studentId: 'a/b', accessCode: 'x' }],
  ])('refuses %s with %j as a value, never calling the engine', async (verb, payload) => {
    const { api, calls } = fakeApi();
    const r = await dispatchVerb(api, verb, payload);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.message).toContain(VERBS[verb].channel);
    }
    expect(calls).toEqual([]);
  });

  it('turns an engine exception into {ok:false, internal}', async () => {
    const { api } = fakeApi();
    api.saveAnswer = async () => {
      throw new Error('disk on fire');
    };
    const r = await dispatchVerb(api, 'saveAnswer', { questionId: 'q1', value: 'x' });
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'vigil:save-answer failed: disk on fire' } });
  });

  it('passes engine error values through untouched', async () => {
    const { api } = fakeApi();
    const submitted = { ok: false as const, error: { code: 'session_submitted' as const, message: 'submitted' } };
    api.submit = async () => submitted;
    expect(await dispatchVerb(api, 'submit', { confirm: true })).toBe(submitted);
  });
});
