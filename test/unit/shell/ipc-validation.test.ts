import { describe, expect, it } from 'vitest';
import { CHANNEL_FOR_VERB, INVOKE_CHANNELS, ok } from '../../../src-main/contract';
import type { InvokeChannel, SaveAnswerInput, VigilApi, WindowEvent } from '../../../src-main/contract';
import { dispatchInvoke, isAppUrl, isInvokeChannel, refuseSender } from '../../../src-main/shell/ipc-validation';

const EXAM = 7;
const good = { webContentsId: EXAM, isMainFrame: true, frameUrl: 'app://vigil/index.html' };

describe('refuseSender', () => {
  it('accepts the exam window main frame on app://vigil', () => {
    expect(refuseSender(good, EXAM)).toBeNull();
    expect(refuseSender({ ...good, frameUrl: 'app://vigil/index.html?x#y' }, EXAM)).toBeNull();
  });

  it.each([
    [{ ...good, webContentsId: 8 }, EXAM, /unknown webContents 8/],
    [{ ...good, isMainFrame: false }, EXAM, /sub-frame/],
    [{ ...good, frameUrl: null }, EXAM, /gone/],
    [{ ...good, frameUrl: 'https://evil.example/' }, EXAM, /foreign origin/],
    [{ ...good, frameUrl: 'app://evil/index.html' }, EXAM, /foreign origin/],
    [{ ...good, frameUrl: 'file:///opt/vigil/out/renderer/index.html' }, EXAM, /foreign origin/],
    [{ ...good, frameUrl: 'about:blank' }, EXAM, /foreign origin/],
    [good, null, /no exam window/],
  ])('refuses %j', (sender, exam, reason) => {
    expect(refuseSender(sender, exam)).toMatch(reason);
  });

  it('compares scheme and host, not URL.origin (which is "null" for app://)', () => {
    expect(new URL('app://vigil/x').origin).toBe('null');
    expect(isAppUrl('app://vigil/x')).toBe(true);
    expect(isAppUrl('app://vigil.evil/x')).toBe(false);
    expect(isAppUrl('app://vigil:8080/x')).toBe(false);
    expect(isAppUrl('::')).toBe(false);
  });
});

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
    onSnapshot: () => () => undefined,
  };
  return { api, calls };
}

describe('dispatchInvoke', () => {
  it('routes each channel to its verb with the parsed payload', async () => {
    const { api, calls } = fakeApi();
    await dispatchInvoke(api, CHANNEL_FOR_VERB.getSnapshot, undefined);
    await dispatchInvoke(api, CHANNEL_FOR_VERB.saveAnswer, { questionId: 'q1', value: 'B' });
    await dispatchInvoke(api, CHANNEL_FOR_VERB.reportWindowEvent, { kind: 'focus', focused: false });
    await dispatchInvoke(api, CHANNEL_FOR_VERB.submit, { confirm: true });
    expect(calls).toEqual([
      ['getSnapshot', undefined],
      ['saveAnswer', { questionId: 'q1', value: 'B' }],
      ['reportWindowEvent', { kind: 'focus', focused: false }],
      ['submit', { confirm: true }],
    ]);
  });

  it('covers every channel of the map', () => {
    expect(Object.values(CHANNEL_FOR_VERB).sort()).toEqual(Object.keys(INVOKE_CHANNELS).sort());
    expect(isInvokeChannel('vigil:save-answer')).toBe(true);
    expect(isInvokeChannel('vigil:shell-exec')).toBe(false);
    expect(isInvokeChannel('__proto__')).toBe(false);
  });

  it('strips keys the schema does not know before the engine sees them', async () => {
    const { api, calls } = fakeApi();
    await dispatchInvoke(api, CHANNEL_FOR_VERB.saveAnswer, { questionId: 'q1', value: 'x', admin: true });
    expect(calls).toEqual([['saveAnswer', { questionId: 'q1', value: 'x' }]]);
  });

  it.each<[InvokeChannel, unknown]>([
    [CHANNEL_FOR_VERB.saveAnswer, { questionId: 'q1' }],
    [CHANNEL_FOR_VERB.saveAnswer, { questionId: '../etc', value: 'x' }],
    [CHANNEL_FOR_VERB.saveAnswer, { questionId: 'q1', value: 'x'.repeat(20001) }],
    [CHANNEL_FOR_VERB.saveAnswer, 'q1=B'],
    [CHANNEL_FOR_VERB.reportWindowEvent, { kind: 'keylogger' }],
    [CHANNEL_FOR_VERB.submit, { confirm: false }],
    [CHANNEL_FOR_VERB.submit, undefined],
    [CHANNEL_FOR_VERB.getSnapshot, { sneaky: 1 }],
  ])('refuses %s with %j as a value, never calling the engine', async (channel, payload) => {
    const { api, calls } = fakeApi();
    const r = await dispatchInvoke(api, channel, payload);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.message).toContain(channel);
    }
    expect(calls).toEqual([]);
  });

  it('turns an engine exception into {ok:false, internal}', async () => {
    const { api } = fakeApi();
    api.saveAnswer = async () => {
      throw new Error('disk on fire');
    };
    const r = await dispatchInvoke(api, CHANNEL_FOR_VERB.saveAnswer, { questionId: 'q1', value: 'x' });
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'vigil:save-answer failed: disk on fire' } });
  });

  it('passes engine error values through untouched', async () => {
    const { api } = fakeApi();
    const locked = { ok: false as const, error: { code: 'session_locked' as const, message: 'locked' } };
    api.submit = async () => locked;
    expect(await dispatchInvoke(api, CHANNEL_FOR_VERB.submit, { confirm: true })).toBe(locked);
  });
});
