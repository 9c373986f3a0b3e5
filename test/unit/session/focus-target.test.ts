import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../../src-main/contract/policy';
import { FocusTargetClassifier } from '../../../src-main/session/focus-target';

const classifier = new FocusTargetClassifier(defaultPolicy().integrity, (pid) => pid === 100);
const fg = (pid: number | null, appClass: string | null, executable: string | null = null, title: string | null = null) =>
  classifier.classify({ t: 0, kind: 'foreground_changed', pid, appClass, executable, title, window: 0x400007 });

describe('FocusTargetClassifier: what took focus', () => {
  it('our own window is no departure', () => {
    expect(fg(100, 'vigil')).toBeNull();
  });

  it('a prohibited app is matched by executable path and name, not only by its advertised class', () => {
    expect(fg(5, 'Totally-Innocent', '/usr/local/bin/ollama')).toEqual({ kind: 'prohibited_app', name: 'ollama', category: 'ai_assistant' });
    expect(fg(6, 'discord', '/opt/Discord/Discord')).toMatchObject({ kind: 'prohibited_app', category: 'communication' });
  });

  it('notifications, OS dialogs and the screen lock are system surfaces', () => {
    expect(fg(7, 'Xfce4-notifyd', '/usr/lib/xfce4/notifyd/xfce4-notifyd')).toMatchObject({ kind: 'system_surface', surface: 'notification' });
    expect(fg(8, 'Polkit-gnome-authentication-agent-1')).toMatchObject({ kind: 'system_surface', surface: 'os_dialog' });
    expect(fg(9, null, '/usr/bin/xscreensaver')).toMatchObject({ kind: 'system_surface', surface: 'screen_lock' });
  });

  it('anything else is an unknown app, named when it can be; nothing named is null (a later name replaces it)', () => {
    expect(fg(10, 'firefox', '/usr/lib/firefox/firefox')).toEqual({ kind: 'unknown_app', name: 'firefox' });
    expect(fg(11, null, null, 'Untitled document')).toEqual({ kind: 'unknown_app', name: '"Untitled document"' });
    expect(fg(null, null)).toEqual({ kind: 'unknown_app', name: null });
  });
});
