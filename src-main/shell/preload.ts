// The sandboxed preload: the only file that touches ipcRenderer (lint enforces it). It
// exposes `window.vigil` as named verbs and nothing of Electron (STYLE.md §5). Bundled by
// scripts/build.mjs into one CommonJS file, as sandboxed preloads require.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { SessionSnapshot } from '../contract/api';
import { createVigilBridge } from './vigil-bridge';

// ipcRenderer hands listeners (event, ...args); the bridge wants the payload only, and the
// event (which carries `sender`, i.e. ipcRenderer itself) must never reach the page.
type Listener = (snapshot: SessionSnapshot) => void;
const wrapped = new WeakMap<Listener, (event: IpcRendererEvent, snapshot: SessionSnapshot) => void>();

const vigil = createVigilBridge({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload),
  on(channel, listener) {
    const relay = (_event: IpcRendererEvent, snapshot: SessionSnapshot): void => listener(snapshot);
    wrapped.set(listener, relay);
    ipcRenderer.on(channel, relay);
  },
  off(channel, listener) {
    const relay = wrapped.get(listener);
    if (relay) ipcRenderer.removeListener(channel, relay);
    wrapped.delete(listener);
  },
});

contextBridge.exposeInMainWorld('vigil', vigil);
