// `npm run exam-server -- --data-dir DIR [--port P] ...`: the exam server on loopback until Ctrl-C.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SECOND_ATTEMPT_RULES, type SecondAttemptRule } from '../src-main/contract/exam-server-api';
import { issueAccessCodes, putExam } from './exam-admin';
import { startExamServer } from './exam-server';
import { DEFAULT_PREDICT_RATE } from './predict-route';
import { SqliteExamStorage } from './sqlite-storage';

const DEFAULT_PORT = 7000; // the seed's Flask API port
const PROCTOR_TOKEN_FILE = 'proctor-token';
const USAGE = `usage: npm run exam-server -- --data-dir DIR [--port N] [--quiet]
         [--load-exam EXAM.json [--second-attempt refuse|flag] [--add-student ID]...]
         [--proctor-token-file FILE] [--allow-unregistered-uploads] [--predict-rate N] [--trust-proxy]`;

async function main(): Promise<void> {
  let storage: SqliteExamStorage | null = null;
  try {
    const { values } = parseArgs({
      options: {
        'data-dir': { type: 'string', short: 'd' },
        port: { type: 'string', short: 'p' },
        quiet: { type: 'boolean', short: 'q' },
        'load-exam': { type: 'string' },
        'second-attempt': { type: 'string' },
        'add-student': { type: 'string', multiple: true },
        'proctor-token-file': { type: 'string' },
        'allow-unregistered-uploads': { type: 'boolean' },
        'predict-rate': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
      },
    });
    const dataDir = values['data-dir'];
    if (dataDir === undefined || dataDir === '') throw new Error('--data-dir DIR is required: the server keeps every attempt there');
    let port = DEFAULT_PORT;
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be a number from 0 to 65535, got "${values.port}"`);
    }
    const predictRate = values['predict-rate'] === undefined ? undefined : Number(values['predict-rate']);
    if (predictRate !== undefined && !(Number.isInteger(predictRate) && predictRate >= 1)) {
      throw new Error(`--predict-rate must be a whole number of requests per client per second (1 or more), got "${values['predict-rate']}"`);
    }
    const secondAttempt = values['second-attempt'];
    if (secondAttempt !== undefined && !SECOND_ATTEMPT_RULES.includes(secondAttempt as SecondAttemptRule)) {
      throw new Error(`--second-attempt must be ${SECOND_ATTEMPT_RULES.join(' or ')}, got "${secondAttempt}"`);
    }
    if ((values['add-student'] ?? []).length > 0 && values['load-exam'] === undefined) {
      throw new Error('--add-student needs --load-exam: access codes belong to an exam');
    }

    storage = SqliteExamStorage.openDir(dataDir);
    const proctorToken = proctorCredential(dataDir, values['proctor-token-file']);
    if (values['load-exam'] !== undefined) loadExam(storage, values['load-exam'], secondAttempt as SecondAttemptRule | undefined, values['add-student'] ?? []);

    const server = await startExamServer({
      port,
      store: storage,
      proctorToken: proctorToken.value,
      allowUnregisteredUploads: values['allow-unregistered-uploads'] ?? false,
      predictRateLimit: { perSecond: predictRate ?? DEFAULT_PREDICT_RATE.perSecond, trustProxy: values['trust-proxy'] ?? false },
      log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
    }).catch((error: NodeJS.ErrnoException) => {
      throw new Error(error.code === 'EADDRINUSE' ? `port ${port} is already in use; pick another with --port N` : error.message);
    });
    console.log(`Data in ${resolve(dataDir)}; proctor credential ${proctorToken.from}`);
    if (values['allow-unregistered-uploads']) console.log('Warning: uploads to unregistered sessions are accepted without a token');
    console.log(`Vigil exam server listening on ${server.url}`);
    const opened = storage;
    const shutdown = () => {
      void server.close().then(() => {
        opened.close();
        process.exit(0);
      });
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (error) {
    storage?.close();
    console.error(`exam-server: ${(error as Error).message}\n${USAGE}`);
    process.exitCode = 2;
  }
}

/**
 * VIGIL_PROCTOR_TOKEN, else the first line of --proctor-token-file, else `<data-dir>/proctor-token`,
 * made on first start (owner-only) so a fresh server is never open to anyone.
 */
function proctorCredential(dataDir: string, file: string | undefined): { value: string; from: string } {
  const fromEnv = process.env.VIGIL_PROCTOR_TOKEN;
  if (fromEnv !== undefined && fromEnv !== '') return { value: checked(fromEnv, 'VIGIL_PROCTOR_TOKEN'), from: 'from VIGIL_PROCTOR_TOKEN' };
  const path = resolve(file ?? join(dataDir, PROCTOR_TOKEN_FILE));
  if (file === undefined && !existsSync(path)) {
    writeFileSync(path, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the proctor credential file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return { value: checked(text.split('\n')[0]!.trim(), path), from: `in ${path}` };
}

function checked(token: string, where: string): string {
  if (token.length < 16 || /\s/.test(token)) throw new Error(`the proctor credential in ${where} must be at least 16 characters without spaces`);
  return token;
}

function loadExam(storage: SqliteExamStorage, file: string, secondAttempt: SecondAttemptRule | undefined, students: string[]): void {
  let exam: unknown;
  try {
    exam = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot load the exam ${file}: ${(error as Error).message}`);
  }
  const existing = storage.exam((exam as { id?: unknown }).id as string);
  let settings;
  try {
    settings = putExam(
      storage,
      { exam, secondAttempt: secondAttempt ?? existing?.secondAttempt, requiredPolicyHash: existing?.requiredPolicyHash, maxCheckMinutes: existing?.maxCheckMinutes },
      Date.now(),
    );
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  console.log(`Exam ${settings.exam.id} loaded from ${file} (second attempts: ${settings.secondAttempt})`);
  if (students.length === 0) return;
  const issued = issueAccessCodes(storage, storage.tokenSecret(), settings.exam.id, { studentIds: students }, Date.now());
  for (const { studentId, accessCode } of issued.codes) console.log(`Access code for ${studentId} at ${settings.exam.id}: ${accessCode}`);
  for (const studentId of issued.unchanged) {
    console.log(`${studentId} already has an access code for ${settings.exam.id} (not shown again; reissue through POST /api/proctor/exams/:id/access-codes)`);
  }
}

void main();
