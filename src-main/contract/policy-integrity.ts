import { z } from 'zod';

/**
 * The policy's `integrity` section: which applications may not run beside the exam, which
 * injected input is an accommodation, how each pre-exam check weighs, and how often the
 * machine is looked at. Every default is here, so `defaultPolicy()` carries the lists.
 */

export const PROHIBITED_CATEGORIES = [
  'ai_assistant',
  'remote_control',
  'screen_capture',
  'communication',
  'virtual_machine',
  'debugger',
  'automation',
] as const;
export type ProhibitedCategory = (typeof PROHIBITED_CATEGORIES)[number];

/**
 * Well-known names per category. An entry without a slash is a program name, compared with
 * the executable's file name, the kernel's process name and argv[0], ignoring case, spaces,
 * dashes and extensions (`LM Studio.exe` = `lm-studio` = `lmstudio`); a trailing `*` matches
 * a prefix. An entry with a slash (or backslash) is a piece of the executable's path.
 */
export const WELL_KNOWN_PROHIBITED: Record<ProhibitedCategory, readonly string[]> = {
  ai_assistant: [
    'chatgpt', 'claude', 'copilot', 'perplexity', 'gemini', 'cluely', 'msty', 'jan', 'gpt4all', 'lmstudio', 'lms',
    'ollama', 'llama-server', 'llama-cli', 'llamafile', 'koboldcpp', 'local-ai', 'localai', 'llm', 'aichat', 'sgpt',
    'cursor', 'windsurf', '/ChatGPT.app/', '/Claude.app/', '/Ollama.app/', '/LM Studio.app/',
  ],
  remote_control: [
    'teamviewer', 'teamviewerd', 'anydesk', 'rustdesk', 'parsec', 'parsecd', 'x11vnc', 'xvnc', 'xtigervnc',
    'vncserver', 'vncviewer', 'tvnserver', 'xrdp-chansrv', 'tigervnc', 'remmina', 'xrdp', 'xrdp-sesman', 'rdesktop', 'xfreerdp', 'wlfreerdp',
    'sunshine', 'nxserver', 'nxnode', 'nxplayer', 'chrome-remote-desktop-host', 'remoting_host', 'splashtop*',
    'screenconnect*', 'quickassist', 'mstsc', 'msrdc', 'ammyy*', 'winvnc', 'logmein*', 'gnome-remote-desktop-daemon',
    'krfb', 'vino-server',
  ],
  screen_capture: [
    'obs', 'obs64', 'simplescreenrecorder', 'kazam', 'vokoscreen', 'vokoscreenng', 'peek', 'recordmydesktop',
    'gpu-screen-recorder', 'wf-recorder', 'kooha', 'flameshot', 'shutter', 'spectacle', 'ksnip', 'gnome-screenshot',
    'snippingtool', 'screensketch', 'sharex', 'bandicam', 'camtasia', 'loom', 'screenpresso', 'greenshot', 'lightshot',
  ],
  communication: [
    'discord', 'slack', 'teams', 'ms-teams', 'teams-for-linux', 'zoom', 'skype', 'skypeforlinux', 'telegram',
    'telegram-desktop', 'signal-desktop', 'whatsapp', 'wechat', 'weixin', 'viber', 'pidgin', 'hexchat', 'webex',
    'ciscowebex*', 'mattermost-desktop', 'rocket.chat', 'ferdium', 'franz', 'rambox', 'caprine', 'element-desktop',
    'zulip', 'keybase',
  ],
  virtual_machine: [
    'virtualbox', 'virtualboxvm', 'vboxheadless', 'vboxsvc', 'vmware', 'vmware-vmx', 'vmplayer', 'qemu-system-*',
    'virt-manager', 'gnome-boxes', 'prl_client_app', 'prl_vm_app', 'utm', 'vmconnect', 'bluestacks', 'hd-player',
  ],
  debugger: [
    'gdb', 'lldb', 'strace', 'ltrace', 'frida', 'frida-server', 'x64dbg', 'x32dbg', 'ollydbg', 'windbg',
    'cheatengine*', 'scanmem', 'gameconqueror', 'ida', 'ida64', 'radare2', 'r2', 'edb', 'mitmproxy', 'mitmweb',
    'mitmdump', 'burpsuite', 'charles', 'fiddler', 'wireshark', 'httptoolkit', 'proxyman', 'dnspy', 'processhacker',
    'systeminformer',
  ],
  automation: [
    'xdotool', 'ydotool', 'ydotoold', 'xte', 'wtype', 'dotool', 'dotoold', 'autohotkey*', 'autoit3*', 'autokey',
    'autokey-gtk', 'autokey-qt', 'actiona', 'xmacroplay', 'tinytask', 'espanso', 'atbswp', 'keyboard maestro*',
  ],
};

/** A name or path piece: printable, one line, short (a malformed list fails when the policy loads). */
const AppEntrySchema = z
  .string()
  .trim()
  .min(2, { message: 'a prohibited-app entry needs at least 2 characters', abort: true })
  .max(200, { abort: true })
  .regex(/^[^\p{Cc}]+$/u, { message: 'a prohibited-app entry must be one printable line', abort: true })
  .refine((s) => s.replace(/\*$/, '').replace(/[^\p{L}\p{N}/\\]/gu, '').length >= 2, {
    message: 'a prohibited-app entry must contain at least 2 letters or digits',
  });

const categoryLists = (defaults: (c: ProhibitedCategory) => string[]) =>
  z
    .strictObject(
      Object.fromEntries(PROHIBITED_CATEGORIES.map((c) => [c, z.array(AppEntrySchema).max(2000).default(defaults(c))])) as {
        [K in ProhibitedCategory]: z.ZodDefault<z.ZodArray<typeof AppEntrySchema>>;
      },
    )
    .prefault({});

/** How a pre-exam finding weighs: `block` keeps the exam from starting, `warn` lets it start with a warning. */
export const CheckSeveritySchema = z.enum(['block', 'warn', 'ignore']);
export type CheckSeverity = z.infer<typeof CheckSeveritySchema>;

export const CHECK_KINDS = [
  'prohibited_app',
  'second_display',
  'mirrored_display',
  'virtual_machine',
  'remote_session',
  'debugger',
  'capture_unavailable',
  'probe_failed',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

const checkDefaults: Record<CheckKind, CheckSeverity> = {
  prohibited_app: 'block',
  second_display: 'block',
  mirrored_display: 'block',
  virtual_machine: 'block',
  remote_session: 'block',
  debugger: 'block',
  // The student cannot fix these; the exam starts with the limitation on record.
  capture_unavailable: 'warn',
  // Fails closed: a probe that cannot answer is not a clean answer.
  probe_failed: 'block',
};

/** An accommodation that injects input (on-screen keyboard, dictation, switch access). */
export const SyntheticAllowSchema = z
  .strictObject({
    /** Input from this device (exact name, ignoring case) is the accommodation's. */
    device: z.string().trim().min(1).max(200).optional(),
    /** Injected input is accepted while a process of this name runs (X11 cannot say who injected). */
    process: AppEntrySchema.optional(),
    /** Why: shown to the proctor beside every observation it covers. */
    reason: z.string().trim().min(3).max(300),
  })
  .refine((a) => a.device !== undefined || a.process !== undefined, {
    message: 'a synthetic-input allowance names a device or a process',
  });
export type SyntheticAllow = z.infer<typeof SyntheticAllowSchema>;

export const IntegrityPolicySchema = z.strictObject({
  /** The shipped lists; IT may replace a category's list here. */
  prohibitedApps: categoryLists((c) => [...WELL_KNOWN_PROHIBITED[c]]),
  /** IT's additions, kept apart so updated defaults still arrive. */
  extraProhibitedApps: categoryLists(() => []),
  syntheticInput: z
    .strictObject({ allow: z.array(SyntheticAllowSchema).max(100).default([]) })
    .prefault({}),
  checks: z
    .strictObject(
      Object.fromEntries(CHECK_KINDS.map((k) => [k, CheckSeveritySchema.default(checkDefaults[k])])) as {
        [K in CheckKind]: z.ZodDefault<typeof CheckSeveritySchema>;
      },
    )
    .prefault({}),
  /** How often /proc is looked at for new processes (a new prohibited process is seen within this plus a read). */
  processScanMs: z.number().int().min(50).max(1000).default(250),
  /** A full re-read of every process (catches a process that changes program long after it started); 0 = never. */
  fullRescanSeconds: z.number().int().min(0).max(3600).default(60),
  /** A probe that takes longer than this is a `probe_failed` finding. */
  probeTimeoutMs: z.number().int().min(100).max(30_000).default(3000),
});
export type IntegrityPolicy = z.infer<typeof IntegrityPolicySchema>;

/** The effective list per category: the shipped (or replaced) list plus IT's additions. */
export function prohibitedLists(p: IntegrityPolicy): Record<ProhibitedCategory, string[]> {
  return Object.fromEntries(
    PROHIBITED_CATEGORIES.map((c) => [c, [...new Set([...p.prohibitedApps[c], ...p.extraProhibitedApps[c]])]]),
  ) as Record<ProhibitedCategory, string[]>;
}
