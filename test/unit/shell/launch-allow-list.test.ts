import { describe, expect, it } from 'vitest';
import { argsOutsideAllowList } from '../../../src-main/shell/launch-flags';

const linux = { platform: 'linux' as const, defaultApp: false };

describe('argsOutsideAllowList (what a production build refuses)', () => {
  it("lets through Vigil's own flags, with their values in either form", () => {
    expect(argsOutsideAllowList(['/opt/Vigil/vigil', '--student-id', 'ada', '--student-id=bob', '--exam', 'x.json'], linux)).toEqual([]);
    expect(argsOutsideAllowList(['/opt/Vigil/vigil'], linux)).toEqual([]);
    // A proctor's read-only review takes a path, which is its value, not a stray argument.
    expect(argsOutsideAllowList(['/opt/Vigil/vigil', '--review', '/srv/attempts'], linux)).toEqual([]);
  });

  it('refuses Chromium and Node switches, stray paths and lookalikes, naming each', () => {
    const argv = [
      'C:\\Program Files\\Vigil\\Vigil.exe',
      '--student-id',
      'ada',
      '--proxy-server=127.0.0.1:8080',
      '--disable-web-security',
      '--remote-debugging-port=9222',
      '--inspect',
      '--js-flags=--allow-natives-syntax',
      '/tmp/other-app',
      '--Student-Id=ada',
      '-psn_0_123',
    ];
    expect(argsOutsideAllowList(argv, { platform: 'win32', defaultApp: false })).toEqual(argv.slice(3));
  });

  it('a value never smuggles a switch past the list (it is only skipped after our flag)', () => {
    expect(argsOutsideAllowList(['vigil', 'ada', '--no-sandbox=1'], linux)).toEqual(['ada', '--no-sandbox=1']);
  });

  it('lets through what Electron needs, only on the system that needs it', () => {
    expect(argsOutsideAllowList(['Vigil', '-psn_0_12345'], { platform: 'darwin', defaultApp: false })).toEqual([]);
    expect(argsOutsideAllowList(['vigil', '--no-sandbox'], linux)).toEqual([]);
    expect(argsOutsideAllowList(['Vigil.exe', '--no-sandbox'], { platform: 'win32', defaultApp: false })).toEqual(['--no-sandbox']);
    expect(argsOutsideAllowList(['vigil', '-psn_0_12345'], linux)).toEqual(['-psn_0_12345']);
  });

  it('skips the app path when started as `electron APP` (process.defaultApp)', () => {
    expect(argsOutsideAllowList(['electron', '/repo', '--student-id=a'], { platform: 'linux', defaultApp: true })).toEqual([]);
    expect(argsOutsideAllowList(['electron', '/repo', '--student-id=a'], linux)).toEqual(['/repo']);
  });
});
