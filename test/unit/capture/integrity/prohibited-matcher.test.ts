import { describe, expect, it } from 'vitest';
import { normaliseName, ProhibitedMatcher } from '../../../../src-main/capture/integrity/prohibited-matcher';
import { defaultPolicy } from '../../../../src-main/contract/policy';
import { prohibitedLists } from '../../../../src-main/contract/policy-integrity';

const matcher = new ProhibitedMatcher(prohibitedLists(defaultPolicy().integrity));
const id = (p: { executable?: string; comm?: string; argv0?: string }) => ({
  pid: 42,
  executable: p.executable ?? null,
  comm: p.comm ?? null,
  argv0: p.argv0 ?? null,
});

describe('prohibited-app matching', () => {
  it('normalises names across platforms and packaging', () => {
    expect(normaliseName('C:\\Program Files\\LM Studio\\LM Studio.exe')).toBe('lmstudio');
    expect(normaliseName('/opt/lm-studio/lm-studio')).toBe('lmstudio');
    expect(normaliseName('Discord.AppImage')).toBe('discord');
  });

  it('matches the executable file even when the process calls itself something else', () => {
    expect(matcher.match(id({ executable: '/tmp/x/AnyDesk', comm: 'notes', argv0: 'notes' }))).toMatchObject({
      category: 'remote_control',
      via: 'executable_name',
      name: 'AnyDesk',
    });
  });

  it('matches the kernel name or argv[0] when the executable is unreadable (another user)', () => {
    expect(matcher.match(id({ comm: 'ollama' }))).toMatchObject({ category: 'ai_assistant', via: 'comm' });
    expect(matcher.match(id({ argv0: '/usr/bin/obs' }))).toMatchObject({ category: 'screen_capture', via: 'argv0', name: 'obs' });
  });

  it('matches path pieces and prefixes', () => {
    expect(matcher.match(id({ executable: '/Applications/ChatGPT.app/Contents/MacOS/ChatGPT Helper' }))).toMatchObject({
      category: 'ai_assistant',
      via: 'executable_path',
      entry: '/ChatGPT.app/',
    });
    expect(matcher.match(id({ executable: '/usr/bin/qemu-system-x86_64' }))).toMatchObject({ category: 'virtual_machine', entry: 'qemu-system-*' });
    expect(matcher.match(id({ executable: 'C:\\Program Files\\AutoHotkey\\AutoHotkey64.exe' }))).toMatchObject({ category: 'automation' });
  });

  it('leaves ordinary programs alone', () => {
    for (const exe of ['/usr/bin/bash', '/usr/bin/xterm', '/usr/lib/firefox/firefox', '/usr/bin/node', '/usr/bin/gnome-shell', '/usr/bin/sleep']) {
      expect(matcher.match(id({ executable: exe, comm: exe.split('/').pop() }))).toBeNull();
    }
    // Exact names, not substrings: "zoom" does not catch "zoomer", "obs" not "observer".
    expect(matcher.match(id({ executable: '/usr/bin/zoomer' }))).toBeNull();
    expect(matcher.match(id({ executable: '/usr/bin/observer' }))).toBeNull();
  });

  it('uses IT additions beside the defaults', () => {
    const policy = defaultPolicy().integrity;
    policy.extraProhibitedApps.ai_assistant = ['homework-helper'];
    const m = new ProhibitedMatcher(prohibitedLists(policy));
    expect(m.match(id({ executable: '/opt/hh/homework-helper' }))).toMatchObject({ category: 'ai_assistant', entry: 'homework-helper' });
    expect(m.match(id({ executable: '/usr/bin/discord' }))).toMatchObject({ category: 'communication' });
  });
});
