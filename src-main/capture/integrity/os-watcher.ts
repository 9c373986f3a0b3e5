import { readlinkSync, realpathSync } from 'node:fs';
import type { SyntheticAllow } from '../../contract/policy-integrity';
import { desktopSession, type DesktopSession } from './desktop-session';
import { markSameArea } from './display-parsers';
import { loadNativeAddon, type NativeAddon, type NativeDisplay, type NativeEvent, type NativeLoad, type NativeWatcher } from './native-addon';
import type { IntegrityObservation, ObservationSink } from './observation';
import { cleanExePath } from './proc-parsers';

export interface OsWatcherOptions {
  allow: readonly SyntheticAllow[];
  /** Accommodation programs running now (from the process watch). */
  runningAccommodations: () => string[];
  load?: () => NativeLoad;
  session?: () => DesktopSession;
  /** pid -> executable path; Linux reads /proc/PID/exe. */
  executableOf?: (pid: number) => string | null;
  /** /dev/input/eventN -> is it a kernel uinput device (software, not hardware)? */
  isVirtualInputNode?: (node: string) => boolean;
}

/**
 * The native addon's observations (foreground window, injected input, displays) as
 * IntegrityObservations. Whatever keeps it from watching (no addon, no display, Wayland, a
 * lost X connection) is a `capture_unavailable` observation with the reason.
 */
export class OsWatcher {
  private watcher: NativeWatcher | null = null;
  private displays: NativeDisplay[] | null = null;
  private addon: NativeAddon | null = null;
  private readonly virtualNodes = new Map<string, boolean>();

  constructor(private readonly opts: OsWatcherOptions) {}

  /** The last display list the OS reported (null until one arrives or without the addon). */
  currentDisplays(): NativeDisplay[] | null {
    return this.displays;
  }

  get nativeAddon(): NativeAddon | null {
    return this.addon;
  }

  start(emit: ObservationSink): void {
    if (this.watcher) return;
    const now = Date.now();
    const unavailable = (what: string, reason: string) => emit({ t: Date.now(), kind: 'capture_unavailable', what, reason });
    const session = (this.opts.session ?? desktopSession)();
    if (session.kind === 'wayland') unavailable('wayland', session.reason);
    if (session.kind === 'none') {
      unavailable('native', `OS-level capture cannot run: ${session.reason}`);
      return;
    }
    if (session.kind === 'wayland' && session.display === null) return;
    const load = (this.opts.load ?? loadNativeAddon)();
    if (!load.ok) {
      unavailable('native', load.reason);
      return;
    }
    this.addon = load.addon;
    try {
      this.watcher = new load.addon.Watcher((e) => this.onNative(e, emit));
    } catch (e) {
      emit({ t: now, kind: 'capture_unavailable', what: 'native', reason: `the OS watcher cannot start: ${(e as Error).message}` });
    }
  }

  stop(): void {
    this.watcher?.stop();
    this.watcher = null;
  }

  setKeyboardLock(on: boolean): string | null {
    return this.watcher ? this.watcher.setKeyboardLock(on) : 'the OS watcher is not running';
  }

  private onNative(e: NativeEvent, emit: ObservationSink): void {
    const t = Math.round(e.t);
    switch (e.type) {
      case 'foreground': {
        const pid = e.pid > 0 ? e.pid : null;
        const executable = e.executable || (pid !== null ? (this.opts.executableOf ?? procExecutable)(pid) : null);
        emit({ t, kind: 'foreground_changed', pid, executable, appClass: e.appClass || null, title: e.window ? e.title : null, window: e.window });
        return;
      }
      case 'input': {
        const o = this.syntheticInput(e, t);
        if (o) emit(o);
        return;
      }
      case 'displays': {
        const displays = markSameArea(e.displays);
        this.displays = displays;
        emit({ t, kind: 'display_changed', displays, count: displays.length, mirrored: displays.some((d) => d.mirrored) });
        return;
      }
      case 'limitation':
        emit({ t, kind: 'capture_unavailable', what: e.what, reason: e.message });
        return;
      case 'error':
        this.watcher = null;
        emit({ t, kind: 'capture_unavailable', what: 'native', reason: `the OS watcher stopped: ${e.message}` });
        return;
    }
  }

  private syntheticInput(e: Extract<NativeEvent, { type: 'input' }>, t: number): IntegrityObservation | null {
    let injectedBy: 'xtest' | 'uinput' | 'os' | null = null;
    if (e.injected) injectedBy = this.addon?.platform === 'x11' ? 'xtest' : 'os';
    else if (e.deviceNode && this.isVirtual(e.deviceNode)) injectedBy = 'uinput';
    if (!injectedBy) return null;
    const count = e.keys + e.buttons + e.motions;
    if (count === 0) return null;
    const device = e.device || `device ${e.deviceId}`;
    const byDevice = this.opts.allow.find((a) => a.device !== undefined && a.device.toLowerCase() === device.toLowerCase());
    let allowedBy = byDevice ? byDevice.reason : null;
    if (!allowedBy) {
      const running = new Set(this.opts.runningAccommodations());
      const byProcess = this.opts.allow.find((a) => a.process !== undefined && running.has(a.process));
      if (byProcess) allowedBy = `${byProcess.reason} (${byProcess.process} is running)`;
    }
    return { t, kind: 'synthetic_input', device, count, keys: e.keys, buttons: e.buttons, motions: e.motions, injectedBy, allowedBy };
  }

  private isVirtual(node: string): boolean {
    let v = this.virtualNodes.get(node);
    if (v === undefined) {
      v = (this.opts.isVirtualInputNode ?? uinputNode)(node);
      this.virtualNodes.set(node, v);
    }
    return v;
  }
}

function procExecutable(pid: number): string | null {
  try {
    return cleanExePath(readlinkSync(`/proc/${pid}/exe`));
  } catch {
    return null; // exited already, or another user's
  }
}

/** Kernel uinput devices (ydotool, software keyboards) sit under /sys/devices/virtual/input. */
function uinputNode(node: string): boolean {
  const m = /^\/dev\/input\/(event\d+)$/.exec(node);
  if (!m) return false;
  try {
    return realpathSync(`/sys/class/input/${m[1]}`).includes('/devices/virtual/');
  } catch {
    return false;
  }
}
