import { describe, expect, it } from 'vitest';
import { EVENT_CHANNELS, VERBS } from '../../../src-main/contract';
import type { SessionSnapshot, VigilApi } from '../../../src-main/contract';
import { createVigilBridge } from '../../../src-main/shell/vigil-bridge';
import type { BridgeTransport } from '../../../src-main/shell/vigil-bridge';

function fakeTransport() {
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<(p: SessionSnapshot) => void>>();
  const transport: BridgeTransport = {
    invoke: async (channel, payload) => {
      invoked.push([channel, payload]);
      // An echo, not a real answer: what main answers is dispatchVerb's job (ipc-validation tests).
      return { ok: true, value: channel as never };
    },
    on: (channel, l) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    off: (channel, l) => listeners.get(channel)?.delete(l),
  };
  // Any payload: the bridge must relay what main pushes, whatever it is.
  const push = (channel: string, payload: object) => listeners.get(channel)?.forEach((l) => l(payload as SessionSnapshot));
  return { transport, invoked, push, listeners };
}

describe('createVigilBridge (window.vigil)', () => {
  it('exposes exactly the VigilApi verbs and nothing of Electron', () => {
    const bridge = createVigilBridge(fakeTransport().transport);
    const verbs: (keyof VigilApi)[] = ['getSnapshot', 'saveAnswer', 'reportWindowEvent', 'submit', 'lockFlushed', 'signIn', 'runSystemCheck', 'startExam', 'acknowledgeWarning', 'requestQuit', 'onSnapshot'];
    expect(Object.keys(bridge).sort()).toEqual([...verbs].sort());
    for (const v of verbs) expect(typeof bridge[v]).toBe('function');
  });

  it('sends each verb on its channel from the verb table', async () => {
    const { transport, invoked } = fakeTransport();
    const bridge = createVigilBridge(transport);
    await bridge.getSnapshot();
    await bridge.saveAnswer({ questionId: 'q1', value: 'A' });
    await bridge.reportWindowEvent({ kind: 'clipboard', action: 'paste', external: true });
    await bridge.submit({ confirm: true });
    expect(invoked).toEqual([
      [VERBS.getSnapshot.channel, undefined],
      [VERBS.saveAnswer.channel, { questionId: 'q1', value: 'A' }],
      [VERBS.reportWindowEvent.channel, { kind: 'clipboard', action: 'paste', external: true }],
      [VERBS.submit.channel, { confirm: true }],
    ]);
  });

  it('never rejects: a failed invoke becomes {ok:false, internal}', async () => {
    const { transport } = fakeTransport();
    transport.invoke = async () => {
      throw new Error("No handler registered for 'vigil:submit'");
    };
    const r = await createVigilBridge(transport).submit({ confirm: true });
    expect(r).toEqual({
      ok: false,
      error: { code: 'internal', message: "vigil:submit: No handler registered for 'vigil:submit'" },
    });
  });

  it('delivers snapshots to subscribers until they unsubscribe', () => {
    const { transport, push, listeners } = fakeTransport();
    const bridge = createVigilBridge(transport);
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    const offA = bridge.onSnapshot((s: SessionSnapshot) => seenA.push(s));
    bridge.onSnapshot((s) => seenB.push(s));
    push(EVENT_CHANNELS.snapshot, { n: 1 });
    offA();
    push(EVENT_CHANNELS.snapshot, { n: 2 });
    push('vigil:other', { n: 3 });
    expect(seenA).toEqual([{ n: 1 }]);
    expect(seenB).toEqual([{ n: 1 }, { n: 2 }]);
    expect(listeners.get(EVENT_CHANNELS.snapshot)?.size).toBe(1);
  });
});
