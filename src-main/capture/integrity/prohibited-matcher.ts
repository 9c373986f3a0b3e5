import { PROHIBITED_CATEGORIES, type ProhibitedCategory } from '../../contract/policy-integrity';

/** What is known about one process; any field may be missing (exited, another user's). */
export interface ProcessIdentity {
  pid: number;
  /** Resolved executable path (/proc/PID/exe), the hardest to fake. */
  executable: string | null;
  /** The kernel's process name (comm), which the process can set itself. */
  comm: string | null;
  /** argv[0] as the process was started (or rewrote it). */
  argv0: string | null;
}

export interface ProhibitedMatch {
  category: ProhibitedCategory;
  /** The policy entry that matched. */
  entry: string;
  /** Which part of the identity matched: the executable's path or file name, comm, or argv[0]. */
  via: 'executable_path' | 'executable_name' | 'comm' | 'argv0';
  /** The program name shown to the student and the proctor. */
  name: string;
}

/** `LM Studio.exe`, `lm-studio`, `lmstudio` all become `lmstudio`. */
export function normaliseName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base
    .toLowerCase()
    .replace(/\.(exe|app|appimage|bin|sh|py|js|jar|desktop)$/, '')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

interface CompiledEntry {
  category: ProhibitedCategory;
  entry: string;
}

/**
 * Compiles the policy's lists once; `match` is then a map lookup per name plus a scan of
 * the (few) path and prefix entries.
 */
export class ProhibitedMatcher {
  private readonly exact = new Map<string, CompiledEntry>();
  private readonly prefixes: (CompiledEntry & { prefix: string })[] = [];
  private readonly paths: (CompiledEntry & { piece: string })[] = [];

  constructor(lists: Record<ProhibitedCategory, readonly string[]>) {
    for (const category of PROHIBITED_CATEGORIES) {
      for (const entry of lists[category]) {
        if (/[\\/]/.test(entry)) {
          this.paths.push({ category, entry, piece: entry.toLowerCase().replace(/\\/g, '/') });
        } else if (entry.endsWith('*')) {
          this.prefixes.push({ category, entry, prefix: normaliseName(entry.slice(0, -1)) });
        } else {
          const key = normaliseName(entry);
          if (key.length > 0 && !this.exact.has(key)) this.exact.set(key, { category, entry });
        }
      }
    }
  }

  match(p: ProcessIdentity): ProhibitedMatch | null {
    if (p.executable) {
      const path = p.executable.toLowerCase().replace(/\\/g, '/');
      for (const e of this.paths) {
        if (path.includes(e.piece)) return { category: e.category, entry: e.entry, via: 'executable_path', name: baseName(p.executable) };
      }
    }
    const candidates: [ProhibitedMatch['via'], string | null][] = [
      ['executable_name', p.executable ? baseName(p.executable) : null],
      ['comm', p.comm],
      ['argv0', p.argv0 ? baseName(p.argv0) : null],
    ];
    for (const [via, raw] of candidates) {
      if (!raw) continue;
      const key = normaliseName(raw);
      if (key.length === 0) continue;
      const hit = this.exact.get(key) ?? this.prefixes.find((e) => e.prefix.length > 0 && key.startsWith(e.prefix));
      if (hit) return { category: hit.category, entry: hit.entry, via, name: raw };
    }
    return null;
  }
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
