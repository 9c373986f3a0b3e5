import { existsSync, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { ExamSchema, PolicySchema, defaultPolicy } from '../contract';
import type { Exam, Policy } from '../contract';
import type { z } from 'zod';
import { configKey } from './config-key';
import { defaultPolicyFile, demoExamFile, parseJsonText } from './exam-files';
import { managedFiles } from './managed-location';
import { looksSigned, parsePublicKey, verifyDocument } from './signed-document';

/** Where the exam's rules may come from, as the shell sees them at startup. */
export interface ConfigSources {
  /** A production build: signatures required, only the managed folder, no defaults. */
  production: boolean;
  /** managedDir(process.platform, process.env) in the app; a temporary folder in tests. */
  managedDir: string;
  appRoot: string;
  /** --policy / --exam (development only: a production shell refuses them before this). */
  policyFile: string | null;
  examFile: string | null;
  /** The institution key baked in at build time (PEM), or null. */
  builtInPublicKey: string | null;
}

export interface InstalledConfig {
  exam: Exam;
  policy: Policy;
  /** Hash of the effective policy; sent with every upload. */
  configKey: string;
  /** Lines for the app log: which files, which key, what was not checked. */
  notes: string[];
}

/** A refusal for the startup error page: a title and what to do, naming the file. */
export interface ConfigProblem {
  title: string;
  message: string;
}

export type ConfigResult = { ok: true; value: InstalledConfig } | { ok: false; error: ConfigProblem };

const HOW_TO_SIGN = '`npm run admin -- sign`, see docs/deploy.md';

/**
 * Finds, verifies and parses the policy and exam. In production each must be a file in the
 * managed folder, signed by the institution key; nothing falls back to a bundled default.
 * In development a plain JSON file (or the bundled demo) is accepted, and a signed one is
 * checked when a key is available.
 */
export function loadInstalledConfig(src: ConfigSources): ConfigResult {
  const loaded = loadPolicyWithKey(src);
  if (!loaded.ok) return loaded;
  const { policy, key, notes } = loaded.value;
  const examFile = src.production ? managedFiles(src.managedDir).exam : (src.examFile ?? demoExamFile(src.appRoot));
  const exam = loadDocument(examFile, 'exam', ExamSchema, src.production, key, notes);
  if (!exam.ok) return exam;
  return { ok: true, value: { exam: exam.value, policy, configKey: configKey(policy), notes } };
}

export interface InstalledPolicy {
  policy: Policy;
  /** The file it came from, or a phrase naming the built-in defaults (development only). */
  source: string;
  notes: string[];
}

/**
 * The policy alone, found and checked exactly as loadInstalledConfig does: the review
 * (`--review`) needs its proctor password and no exam.
 */
export function loadInstalledPolicy(src: Omit<ConfigSources, 'examFile'>): Loaded<InstalledPolicy> {
  const loaded = loadPolicyWithKey(src);
  return loaded.ok ? { ok: true, value: { policy: loaded.value.policy, source: loaded.value.source, notes: loaded.value.notes } } : loaded;
}

function loadPolicyWithKey(src: Omit<ConfigSources, 'examFile'>): Loaded<InstalledPolicy & { key: KeyObject | null }> {
  const managed = managedFiles(src.managedDir);
  const notes: string[] = [];
  const key = trustedKey(src, managed.publicKey);
  if (!key.ok) return key;
  if (src.production && key.value === null) {
    return problem(
      'No institution key is installed',
      `Vigil needs the institution's public key at ${managed.publicKey} (or built into the installer) to check the exam policy. IT: copy institution.pub there (docs/deploy.md).`,
    );
  }
  if (key.value) notes.push(`trusting institution key from ${key.value.source}`);

  const policyFile = src.production ? managed.policy : (src.policyFile ?? defaultPolicyFile(src.appRoot));
  const publicKey = key.value?.key ?? null;
  if (!src.production && src.policyFile === null && !existsSync(policyFile)) {
    notes.push('development: no policy file, using the built-in defaults');
    return { ok: true, value: { policy: defaultPolicy(), source: 'the built-in default policy', notes, key: publicKey } };
  }
  const loaded = loadDocument(policyFile, 'policy', PolicySchema, src.production, publicKey, notes);
  if (!loaded.ok) return loaded;
  return { ok: true, value: { policy: loaded.value, source: policyFile, notes, key: publicKey } };
}

type Loaded<T> = { ok: true; value: T } | { ok: false; error: ConfigProblem };

function loadDocument<T>(
  file: string,
  what: 'policy' | 'exam',
  schema: z.ZodType<T>,
  production: boolean,
  key: KeyObject | null,
  notes: string[],
): Loaded<T> {
  const label = what === 'exam' ? 'exam file' : 'exam policy';
  const title = `The ${label} cannot be used`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const todo = production
      ? `IT: install the signed ${what} there (${HOW_TO_SIGN}).`
      : `Check the path, or give another with --${what}.`;
    return problem(title, `${file} cannot be read (${code}). ${todo}`);
  }
  let signed = false;
  try {
    signed = looksSigned(JSON.parse(text));
  } catch {
    // Not JSON at all: parseJsonText below says so (development), or the signature check does.
  }
  if (signed && key) {
    const verified = verifyDocument(text, key);
    if (!verified.ok) {
      return problem(
        `The ${label} is not signed by your institution`,
        `${file}: ${verified.error.reason}. Vigil will not run an exam under rules it cannot trust. IT: sign the ${what} again with the institution key and reinstall it (${HOW_TO_SIGN}).`,
      );
    }
    text = verified.value.content;
    notes.push(`${what} ${file}: signature good (key ${verified.value.keyId})`);
  } else if (production) {
    return problem(
      `The ${label} is not signed`,
      `${file} has no Vigil signature. Vigil will not run an exam under rules anyone could have edited. IT: sign it with the institution key and install the signed file there (${HOW_TO_SIGN}).`,
    );
  } else if (signed) {
    // Development without a key: the content is used, but the log says it was not checked.
    const doc = JSON.parse(text) as { content?: unknown };
    if (typeof doc.content !== 'string') return problem(title, `${file}: its signed "content" is missing.`);
    text = doc.content;
    notes.push(`development: ${what} ${file} is signed, but no institution key is installed, so the signature was NOT checked`);
  } else {
    notes.push(`development: ${what} ${file} is not signed`);
  }
  const parsed = parseJsonText(text, file, what, schema);
  return parsed.ok ? parsed : problem(title, parsed.error.message);
}

type TrustedKey = { key: KeyObject; source: string } | null;

/** The built-in key wins: a managed file could be replaced by whoever is admin on the machine. */
function trustedKey(src: Omit<ConfigSources, 'examFile'>, managedPublicKey: string): Loaded<TrustedKey> {
  if (src.builtInPublicKey) {
    const key = parsePublicKey(src.builtInPublicKey, 'the institution key built into this Vigil');
    return key.ok ? { ok: true, value: { key: key.value, source: 'this build' } } : problem('This Vigil build is broken', `${key.error.message} Rebuild the installer.`);
  }
  let pem: string;
  try {
    pem = readFileSync(managedPublicKey, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: true, value: null };
    return problem('The institution key cannot be read', `${managedPublicKey} cannot be read (${code ?? String(e)}). IT: make it readable by every user (docs/deploy.md).`);
  }
  const key = parsePublicKey(pem, managedPublicKey);
  return key.ok
    ? { ok: true, value: { key: key.value, source: managedPublicKey } }
    : problem('The institution key cannot be used', `${key.error.message} IT: reinstall institution.pub (docs/deploy.md).`);
}

function problem(title: string, message: string): { ok: false; error: ConfigProblem } {
  return { ok: false, error: { title, message } };
}
