import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ExamSchema, PolicySchema, describeUnknownKey, err, findUnknownKeys, ok } from '../contract';
import type { Exam, Policy, Result } from '../contract';

/**
 * The repository (or packaged app) root: two levels above this file in the source tree.
 * Bundled builds pass their own root to `demoExamFile` instead.
 */
const sourceRoot = (): string | null => {
  try {
    return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  } catch {
    return null; // a CommonJS bundle has no import.meta.url
  }
};

export const demoExamFile = (appRoot: string): string => path.join(appRoot, 'assets', 'demo-exam.json');
export const defaultPolicyFile = (appRoot: string): string => path.join(appRoot, 'assets', 'default-policy.json');

/** The bundled demo exam, resolved from the source tree (dev, tests). */
export const DEMO_EXAM_FILE: string = demoExamFile(sourceRoot() ?? process.cwd());
export const DEFAULT_POLICY_FILE: string = defaultPolicyFile(sourceRoot() ?? process.cwd());

/** Reads and validates a JSON file; every failure is a sentence naming the file and the problem. */
function loadJsonFile<T>(file: string, what: string, schema: z.ZodType<T>): Result<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err('exam_invalid', `The ${what} file ${file} cannot be read (${code ?? String(e)}).`);
  }
  return parseJsonText(text, file, what, schema);
}

/** Parses and validates text read from `file` (or unwrapped from a signed file). */
export function parseJsonText<T>(text: string, file: string, what: string, schema: z.ZodType<T>): Result<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err('exam_invalid', `The ${what} file ${file} is not valid JSON: ${(e as Error).message}.`);
  }
  // Zod drops keys it does not know; in a file that is a typo whose setting silently reverts.
  const problems = findUnknownKeys(schema, json).map((u) => `✖ ${describeUnknownKey(u)}`);
  const parsed = schema.safeParse(json);
  if (!parsed.success) problems.push(z.prettifyError(parsed.error));
  if (problems.length > 0) {
    return err('exam_invalid', `The ${what} file ${file} is not a valid ${what}:\n${problems.join('\n')}`);
  }
  if (!parsed.success) throw new Error('unreachable: a failed parse always adds a problem');
  return ok(parsed.data);
}

export const loadExamFile = (file: string): Result<Exam> => loadJsonFile(file, 'exam', ExamSchema);
export const loadPolicyFile = (file: string): Result<Policy> => loadJsonFile(file, 'policy', PolicySchema);
