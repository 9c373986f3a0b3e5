import type { SessionSnapshot, VigilApi, VigilVerbs } from '../contract/api';
import type { VerbInput } from '../contract/verb-inputs';
// verbs.ts is the zod-free half of the verb table: importing it keeps the preload bundle
// free of zod (the schemas would add ~445 KiB to every page start).
import { EVENT_CHANNELS, VERBS, VERB_NAMES } from '../contract/verbs';
import type { ChannelOf, Verb, VerbResult } from '../contract/verbs';
import type { Result } from '../contract/result';

type SnapshotChannel = (typeof EVENT_CHANNELS)['snapshot'];

/** The two things the preload borrows from ipcRenderer, passed in so this file stays testable. */
export interface BridgeTransport {
  /**
   * ipcRenderer.invoke. Main answers a verb's channel with dispatchVerb's Result for that
   * verb; this signature carries that type across the process gap, where Electron's own
   * typings say `any`.
   */
  invoke<V extends Verb>(channel: ChannelOf<V>, payload: unknown): Promise<Result<VerbResult<V>>>;
  /** ipcRenderer.on for main's pushes; main sends the engine's snapshots on this channel. */
  on(channel: SnapshotChannel, listener: (snapshot: SessionSnapshot) => void): void;
  off(channel: SnapshotChannel, listener: (snapshot: SessionSnapshot) => void): void;
}

// Object.fromEntries forgets which key holds which method; each was typed when it was made.
const hasEveryVerb = (verbs: Record<string, unknown>): verbs is VigilVerbs =>
  VERB_NAMES.every((verb) => typeof verbs[verb] === 'function');

/**
 * Builds `window.vigil`: exactly the VigilApi verbs, one per row of the verb table, each
 * sent on its channel. Calls never reject (a dead main process or a missing handler comes
 * back as `{ok:false}`), matching the engine's contract. Main validates every payload;
 * nothing here trusts the renderer, it only carries.
 */
export function createVigilBridge(transport: BridgeTransport): VigilApi {
  const call = async <V extends Verb>(verb: V, payload: unknown): Promise<Result<VerbResult<V>>> => {
    const channel: ChannelOf<V> = VERBS[verb].channel;
    try {
      return await transport.invoke<V>(channel, payload);
    } catch (e) {
      return {
        ok: false,
        error: { code: 'internal', message: `${channel}: ${e instanceof Error ? e.message : String(e)}` },
      };
    }
  };
  const method =
    <V extends Verb>(verb: V) =>
    (input: VerbInput<V>): Promise<Result<VerbResult<V>>> =>
      call(verb, input);
  const verbs = Object.fromEntries(VERB_NAMES.map((verb) => [verb, method(verb)]));
  if (!hasEveryVerb(verbs)) throw new Error('vigil bridge: a verb of the table has no method');
  return {
    ...verbs,
    onSnapshot(listener) {
      // A fresh function per subscription: one listener subscribed twice stays two subscriptions.
      const relay = (snapshot: SessionSnapshot): void => listener(snapshot);
      transport.on(EVENT_CHANNELS.snapshot, relay);
      return () => transport.off(EVENT_CHANNELS.snapshot, relay);
    },
  };
}
