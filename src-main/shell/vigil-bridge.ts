import type { CHANNEL_FOR_VERB, EVENT_CHANNELS, InvokeChannel, SessionSnapshot, VigilApi } from '../contract/api';
import type { Result } from '../contract/result';

// The preload must not import the channel map's module at run time: it builds zod schemas
// on load, which put ~400 KiB of zod into every page start. These literals mirror the map,
// and their types are the map's own, so any drift (a renamed or added verb) fails to compile.
const VERB_CHANNELS: typeof CHANNEL_FOR_VERB = {
  getSnapshot: 'vigil:get-snapshot',
  saveAnswer: 'vigil:save-answer',
  reportWindowEvent: 'vigil:report-window-event',
  submit: 'vigil:submit',
};
const SNAPSHOT_CHANNEL: (typeof EVENT_CHANNELS)['snapshot'] = 'vigil:snapshot';

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
    getSnapshot: () => call(VERB_CHANNELS.getSnapshot, undefined),
    saveAnswer: (input) => call(VERB_CHANNELS.saveAnswer, input),
    reportWindowEvent: (event) => call(VERB_CHANNELS.reportWindowEvent, event),
    submit: (input) => call(VERB_CHANNELS.submit, input),
    onSnapshot(listener) {
      const relay = (snapshot: unknown): void => listener(snapshot as SessionSnapshot);
      transport.on(SNAPSHOT_CHANNEL, relay);
      return () => transport.off(SNAPSHOT_CHANNEL, relay);
    },
  };
}
