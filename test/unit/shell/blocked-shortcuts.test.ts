import { describe, expect, it } from 'vitest';
import { blockedShortcut, type KeyInput } from '../../../src-main/shell/blocked-shortcuts';

const press = (key: string, mods: Partial<KeyInput> = {}): KeyInput => ({ type: 'keyDown', key, control: false, meta: false, alt: false, shift: false, ...mods });

describe('blockedShortcut (the exam window swallows these)', () => {
  it.each([
    ['F5', press('F5'), 'reload'],
    ['Ctrl+R', press('r', { control: true }), 'reload'],
    ['Ctrl+Shift+R', press('R', { control: true, shift: true }), 'reload'],
    ['F12', press('F12'), 'devtools'],
    ['Ctrl+Shift+I', press('I', { control: true, shift: true }), 'devtools'],
    ['Ctrl+Shift+J', press('J', { control: true, shift: true }), 'devtools'],
    ['Cmd+Alt+I', press('i', { meta: true, alt: true }), 'devtools'],
    ['Ctrl+W', press('w', { control: true }), 'close'],
    ['Ctrl+Q', press('q', { control: true }), 'close'],
    ['Alt+F4', press('F4', { alt: true }), 'close'],
    ['Ctrl+P', press('p', { control: true }), 'print'],
    ['Ctrl+=', press('=', { control: true }), 'zoom'],
    ['Ctrl+Shift++', press('+', { control: true, shift: true }), 'zoom'],
    ['Ctrl+-', press('-', { control: true }), 'zoom'],
    ['Ctrl+0', press('0', { control: true }), 'zoom'],
    ['Ctrl+numpad +', press('+', { control: true, code: 'NumpadAdd' }), 'zoom'],
    ['Ctrl+U', press('u', { control: true }), 'view_source'],
  ])('blocks %s', (_name, input, action) => {
    expect(blockedShortcut(input, 'linux')).toBe(action);
  });

  it('blocks Cmd shortcuts on macOS only (Cmd+R there, the Super key elsewhere is the OS)', () => {
    expect(blockedShortcut(press('r', { meta: true }), 'darwin')).toBe('reload');
    expect(blockedShortcut(press('q', { meta: true }), 'darwin')).toBe('close');
    expect(blockedShortcut(press('r', { meta: true }), 'linux')).toBeNull();
  });

  it('lets writing and editing through: letters, Shift, Ctrl+C/V/X/Z/A, arrows, Tab, Backspace', () => {
    for (const input of [
      press('r'),
      press('R', { shift: true }),
      press('c', { control: true }),
      press('v', { control: true }),
      press('x', { control: true }),
      press('z', { control: true }),
      press('a', { control: true }),
      press('ArrowLeft', { control: true }),
      press('Tab'),
      press('Backspace'),
      press('=', {}),
      press('0'),
      press('F4'),
    ]) {
      expect(blockedShortcut(input, 'linux'), JSON.stringify(input)).toBeNull();
    }
  });

  it("lets the proctor's quit dialog shortcut (Ctrl+Alt+Shift+L) through", () => {
    expect(blockedShortcut(press('L', { control: true, alt: true, shift: true }), 'linux')).toBeNull();
  });

  it('judges presses only: a key release passes', () => {
    expect(blockedShortcut({ ...press('F5'), type: 'keyUp' }, 'linux')).toBeNull();
  });
});
