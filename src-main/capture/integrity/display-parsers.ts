import type { NativeDisplay } from './native-addon';

/**
 * `xrandr --listmonitors` output, the fallback when the native addon is not loaded:
 *
 *   Monitors: 2
 *    0: +*left 512/100x768/100+0+0  screen
 *    1: +right 512/135x768/203+512+0  HDMI-1 DP-1
 */
export function parseXrandrMonitors(text: string): NativeDisplay[] | null {
  const lines = text.split('\n');
  const head = /^Monitors:\s*(\d+)\s*$/.exec(lines[0]?.trim() ?? '');
  if (!head) return null;
  const out: NativeDisplay[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const m = /^\s*\d+:\s+([+*]*)(\S+)\s+(\d+)\/\d+x(\d+)\/\d+([+-]\d+)([+-]\d+)\s*(.*)$/.exec(line);
    if (!m) return null;
    const outputs = m[7]!.trim() === '' ? 0 : m[7]!.trim().split(/\s+/).length;
    out.push({
      name: m[2]!,
      screen: 0,
      primary: m[1]!.includes('*'),
      width: Number(m[3]),
      height: Number(m[4]),
      x: Number(m[5]),
      y: Number(m[6]),
      outputs,
      mirrored: outputs > 1,
    });
  }
  if (out.length !== Number(head[1])) return null;
  return markSameArea(out);
}

/** Two monitors showing the same area are a mirror (one picture on two screens). */
export function markSameArea(displays: NativeDisplay[]): NativeDisplay[] {
  return displays.map((d) => ({
    ...d,
    mirrored:
      d.mirrored ||
      displays.some((o) => o !== d && o.screen === d.screen && o.x === d.x && o.y === d.y && o.width === d.width && o.height === d.height),
  }));
}

export interface DisplayAssessment {
  count: number;
  mirrored: boolean;
  /** Sentences of evidence: "2 displays: left 512x768+0+0, right 512x768+512+0". */
  evidence: string;
}

export function assessDisplays(displays: NativeDisplay[]): DisplayAssessment {
  const list = displays.map((d) => `${d.name || '?'} ${d.width}x${d.height}+${d.x}+${d.y}${d.mirrored ? ' (mirrored)' : ''}`);
  return {
    count: displays.length,
    mirrored: displays.some((d) => d.mirrored),
    evidence: `${displays.length} display${displays.length === 1 ? '' : 's'}: ${list.join(', ')}`,
  };
}
