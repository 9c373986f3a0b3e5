import { describe, expect, it } from 'vitest';
import { debuggingSwitches, flagsRefusedWhenPackaged, parseLaunchFlags } from '../../../src-main/shell/launch-flags';

const cwd = '/home/exam';

describe('parseLaunchFlags', () => {
  it('reads every flag in both --flag value and --flag=value forms', () => {
    const r = parseLaunchFlags(
      [
        '/opt/vigil/vigil',
        '--server-url',
        'http://127.0.0.1:8787/',
        '--exam=exams/math.json',
        '--policy',
        '/etc/vigil/policy.json',
        '--data-dir=data',
        '--student-id',
        's-42',
        '--native-binding=/x/better_sqlite3.node',
      ],
      cwd,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        serverUrl: 'http://127.0.0.1:8787',
        examFile: '/home/exam/exams/math.json',
        policyFile: '/etc/vigil/policy.json',
        dataDir: '/home/exam/data',
        studentId: 's-42',
        nativeBinding: '/x/better_sqlite3.node',
        reviewSource: null,
      },
    });
  });

  it('reads --review as a path, and an installed Vigil accepts it (it reads attempts, it sets no rules)', () => {
    const r = parseLaunchFlags(['/opt/vigil/vigil', '--review', 'room-12'], cwd);
    expect(r.ok && r.value.reviewSource).toBe('/home/exam/room-12');
    expect(r.ok && flagsRefusedWhenPackaged(r.value)).toEqual([]);
    expect(parseLaunchFlags(['vigil', '--review'], cwd)).toMatchObject({ ok: false, error: { message: /--review needs a value/ } });
  });

  it('ignores the switches Electron, Chromium and Playwright add', () => {
    const r = parseLaunchFlags(
      ['electron', '--inspect=0', '--remote-debugging-port=0', '.', '--no-sandbox', '--student-id', 'a1'],
      cwd,
    );
    expect(r.ok && r.value.studentId).toBe('a1');
    expect(r.ok && r.value.examFile).toBeNull();
  });

  it('defaults everything to null', () => {
    const r = parseLaunchFlags(['electron', '.'], cwd);
    expect(r.ok && Object.values(r.value).every((v) => v === null)).toBe(true);
  });

  it('lets a later occurrence win', () => {
    const r = parseLaunchFlags(['--student-id=a', '--student-id=b'], cwd);
    expect(r.ok && r.value.studentId).toBe('b');
  });

  it.each([
    [['--exam'], /--exam needs a value/],
    [['--exam', '--policy', 'p.json'], /--exam needs a value/],
    [['--data-dir='], /empty/],
    [['--server-url', 'not a url'], /not a URL/],
    [['--server-url', 'file:///etc/passwd'], /must be http or https/],
    [['--student-id', '../../etc'], /letters, digits/],
    [['--student-id', 'x'.repeat(65)], /letters, digits/],
  ])('refuses %j with a sentence', (argv, message) => {
    const r = parseLaunchFlags(argv, cwd);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.message).toMatch(message);
    }
  });
});

describe('debuggingSwitches', () => {
  it('finds the switches that would let another program drive the exam', () => {
    expect(
      debuggingSwitches([
        '/opt/Vigil/vigil',
        '--remote-debugging-port=9222',
        '--inspect=0',
        '--student-id=a',
        '--remote-debugging-pipe',
        '--inspect-brk',
      ]),
    ).toEqual(['--remote-debugging-port=9222', '--inspect=0', '--remote-debugging-pipe', '--inspect-brk']);
  });

  // Chromium's base::CommandLine takes `-` and `--` (and `/` on Windows) as switch prefixes
  // and lowercases switch names on Windows, so each of these opens the DevTools port too.
  it('finds them whatever prefix or case Chromium would accept', () => {
    const variants = ['-remote-debugging-port=9222', '/remote-debugging-port=9222', '--Remote-Debugging-Port=9222', '-REMOTE-DEBUGGING-PIPE'];
    expect(debuggingSwitches(['vigil', ...variants])).toEqual(variants);
  });

  it('ignores ours and lookalikes', () => {
    expect(debuggingSwitches(['vigil', '--student-id=inspect', '--exam=--inspect.json', '--inspector-x'])).toEqual([]);
  });
});

describe('flagsRefusedWhenPackaged', () => {
  const parse = (argv: string[]) => {
    const r = parseLaunchFlags(argv, '/home/s');
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it('allows only the student id', () => {
    expect(flagsRefusedWhenPackaged(parse(['--student-id', 'ada']))).toEqual([]);
    expect(flagsRefusedWhenPackaged(parse([]))).toEqual([]);
  });

  it('names every flag that would change the exam, its rules, its data or load outside code', () => {
    expect(
      flagsRefusedWhenPackaged(
        parse(['--policy=/tmp/lenient.json', '--data-dir', '/tmp/fresh', '--server-url=http://127.0.0.1:9', '--exam', 'x.json', '--native-binding=/x.node', '--student-id=ada']),
      ).sort(),
    ).toEqual(['--data-dir', '--exam', '--native-binding', '--policy', '--server-url']);
  });
});
