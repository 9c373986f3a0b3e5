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

/**
 * What may take focus from the exam without it being held against the student: the
 * desktop's own surfaces. Each entry is matched like a prohibited-app entry (a program
 * name against the window's class and executable name, or a path piece with a slash).
 */
export const SYSTEM_SURFACES = ['notification', 'os_dialog', 'screen_lock'] as const;
export type SystemSurface = (typeof SYSTEM_SURFACES)[number];

export const WELL_KNOWN_SURFACES: Record<SystemSurface, readonly string[]> = {
  notification: [
    'notify-osd', 'xfce4-notifyd', 'dunst', 'mako', 'swaync', 'notification-daemon', 'mate-notification-daemon',
    'lxqt-notificationd', 'plasmashell', 'gnome-shell', 'ShellExperienceHost', 'NotificationCenter',
  ],
  os_dialog: [
    'polkit-gnome-authentication-agent-1', 'polkit-kde-authentication-agent-1', 'lxpolkit', 'mate-polkit', 'gcr-prompter',
    'pinentry', 'pinentry-gnome3', 'pinentry-qt', 'ssh-askpass', 'ksshaskpass', 'nm-applet', 'zenity', 'kdialog',
    'consent', 'CredentialUIBroker', 'SecurityAgent', 'UserNotificationCenter', 'coreautha',
  ],
  screen_lock: [
    'xscreensaver', 'light-locker', 'i3lock', 'slock', 'xsecurelock', 'swaylock', 'gnome-screensaver', 'kscreenlocker_greet',
    'mate-screensaver', 'cinnamon-screensaver', 'LockApp', 'ScreenSaverEngine', 'loginwindow',
  ],
};

/**
 * How leaving the exam window is weighed (issue 7, "a fair ledger"). The base points are
 * `ledger.integrityPoints` (focus_lost for an unknown application, prohibited_app for a
 * prohibited one); this says how time away and what took focus change them.
 */
export const LeavingPolicySchema = z.strictObject({
  /** An absence shorter than this is logged and costs nothing (an Alt+Tab undone at once). */
  freeSeconds: z.number().min(0).max(60).default(2),
  /**
   * Points for an unknown application grow linearly with the time away beyond `freeSeconds`
   * and reach the full focus_lost points at this many seconds away.
   */
  fullPointsAfterSeconds: z.number().min(1).max(3600).default(60),
  /** Points for a system surface taking focus (0 = logged only). */
  surfacePoints: z
    .strictObject(
      Object.fromEntries(SYSTEM_SURFACES.map((s) => [s, z.number().min(0).max(100).default(0)])) as {
        [K in SystemSurface]: z.ZodDefault<z.ZodNumber>;
      },
    )
    .prefault({}),
  /** The desktop surfaces per kind; IT may replace a list. */
  surfaces: z
    .strictObject(
      Object.fromEntries(SYSTEM_SURFACES.map((s) => [s, z.array(AppEntrySchema).max(500).default([...WELL_KNOWN_SURFACES[s]])])) as {
        [K in SystemSurface]: z.ZodDefault<z.ZodArray<typeof AppEntrySchema>>;
      },
    )
    .prefault({}),
  /**
   * The first this-many violations that would cost points (leaving the window, a prohibited
   * application, a second display) show the "return to the exam" warning instead.
   */
  graceWarnings: z.number().int().min(0).max(5).default(1),
  /** A page blur and an OS foreground change this close together are one observation. */
  sameObservationMs: z.number().int().min(0).max(5000).default(1500),
});
export type LeavingPolicy = z.infer<typeof LeavingPolicySchema>;

/**
 * The proctor's quit password as IT stores it: `scrypt$N$r$p$<salt base64>$<hash base64>`
 * (see src-main/exam/quit-password.ts, which makes and checks it). null: Vigil quits only
 * once the exam is submitted.
 */
export const QuitPasswordHashSchema = z
  .string()
  .regex(/^scrypt\$\d{4,8}\$\d{1,2}\$\d{1,2}\$[A-Za-z0-9+/]{22,}={0,2}\$[A-Za-z0-9+/]{43,}={0,2}$/, {
    message: 'quitPasswordHash must be scrypt$N$r$p$<salt base64>$<hash base64> (made by src-main/exam/quit-password.ts)',
  })
  .nullable();

/** The lockdown and fairness part of the integrity section (one key in IntegrityPolicySchema). */
export const LockdownPolicySchema = z.strictObject({
  leaving: LeavingPolicySchema.prefault({}),
  quitPasswordHash: QuitPasswordHashSchema.default(null),
  /** How often the running exam records that capture is alive (a relaunch after a crash says how long it was off). */
  heartbeatSeconds: z.number().int().min(1).max(300).default(10),
});
export type LockdownPolicy = z.infer<typeof LockdownPolicySchema>;

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
  /** Fairness of the ledger, the quit password, the heartbeat (LockdownPolicySchema below). */
  lockdown: LockdownPolicySchema.prefault({}),
});
export type IntegrityPolicy = z.infer<typeof IntegrityPolicySchema>;

/** The effective list per category: the shipped (or replaced) list plus IT's additions. */
export function prohibitedLists(p: IntegrityPolicy): Record<ProhibitedCategory, string[]> {
  return Object.fromEntries(
    PROHIBITED_CATEGORIES.map((c) => [c, [...new Set([...p.prohibitedApps[c], ...p.extraProhibitedApps[c]])]]),
  ) as Record<ProhibitedCategory, string[]>;
}

