import { describe, expect, it } from 'vitest';
import { x11DisplayProblem } from '../../../src-main/capture/x11-display';

// Shape of /proc/net/unix: Num RefCount Protocol Flags Type St Inode Path
const PROC = [
  'Num       RefCount Protocol Flags    Type St Inode Path',
  '0000000000000000: 00000002 00000000 00010000 0001 01 31337 @/tmp/.X11-unix/X0',
  '0000000000000000: 00000002 00000000 00010000 0001 01 31338 /tmp/.X11-unix/X77',
  '0000000000000000: 00000003 00000000 00000000 0001 03 31339',
].join('\n');
const read = () => PROC;

describe('x11DisplayProblem', () => {
  it('accepts a local display with a listening X socket (file or abstract)', () => {
    expect(x11DisplayProblem(':0', read)).toBeNull();
    expect(x11DisplayProblem(':77.0', read)).toBeNull();
    expect(x11DisplayProblem('unix:77', read)).toBeNull();
  });

  it('names the problem when nothing listens, DISPLAY is unset or malformed', () => {
    expect(x11DisplayProblem(':99', read)).toBe('no X server is listening on DISPLAY=:99 (/tmp/.X11-unix/X99).');
    expect(x11DisplayProblem(':7', read)).toMatch(/no X server/); // X77 must not match X7
    expect(x11DisplayProblem(undefined, read)).toMatch(/DISPLAY is not set/);
    expect(x11DisplayProblem('', read)).toMatch(/DISPLAY is not set/);
    expect(x11DisplayProblem('nonsense', read)).toMatch(/not a display name/);
  });

  it('lets remote displays and systems without /proc through to the hook', () => {
    expect(x11DisplayProblem('localhost:10.0', read)).toBeNull();
    expect(
      x11DisplayProblem(':0', () => {
        throw new Error('ENOENT');
      }),
    ).toBeNull();
  });
});
