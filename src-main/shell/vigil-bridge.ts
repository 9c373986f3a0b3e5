import { CHANNEL_FOR_VERB, EVENT_CHANNELS } from '../contract/api';
import type { InvokeChannel, SessionSnapshot, VigilApi } from '../contract/api';
import type { Result } from '../contract/result';

/** The two things the preload borrows from ipcRenderer, passed in so this file stays testable. */
export interface BridgeTransport {
  invoke(channel: InvokeChannel, payload: unknown): Promise<unknown>;
  on(channel: string, listener: (payload: unknown) => void): void;
  off(channel: string, listener: (payload: unknown) => void): void;
}

/**
 * Builds `window.vigil`: exactly the VigilApi verbs, each mapped to its channel from the one
 * channel map. Calls never reject (a dead main process or a missing handler comes back as
 * `{ok:false}`), matching the engine's contract. Main validates every payload; nothing
 * here trusts the renderer, it only carries.
 */
export function createVigilBridge(transport: BridgeTransport): VigilApi {
  const call = async <T>(channel: InvokeChannel, payload: unknown): Promise<Result<T>> => {
    try {
      return (await transport.invoke(channel, payload)) as Result<T>;
    } catch (e) {
      return {
        ok: false,
        error: { code: 'internal', message: `${channel}: ${e instanceof Error ? e.message : String(e)}` },
      };
    }
  };
  return {
    getSnapshot: () => call(CHANNEL_FOR_VERB.getSnapshot, undefined),
    saveAnswer: (input) => call(CHANNEL_FOR_VERB.saveAnswer, input),
    reportWindowEvent: (event) => call(CHANNEL_FOR_VERB.reportWindowEvent, event),
    submit: (input) => call(CHANNEL_FOR_VERB.submit, input),
    onSnapshot(listener) {
      const relay = (snapshot: unknown): void => listener(snapshot as SessionSnapshot);
      transport.on(EVENT_CHANNELS.snapshot, relay);
      return () => transport.off(EVENT_CHANNELS.snapshot, relay);
    },
  };
}
