// IT's tool for the institution key and signed files (docs/deploy.md):
//   npm run --silent admin -- keygen --out DIR [--force]
//   npm run --silent admin -- sign --key KEYFILE --in FILE --out SIGNED
//   npm run --silent admin -- verify --pub PUBFILE --in SIGNED
// verify prints one line, `OK: ...` or `BAD: <why>`, and exits 0 only for a good signature.
// keygen and sign exit 0 when done, 1 on a problem (one line on stderr), 2 on bad usage.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExamSchema, PolicySchema } from '../contract';
import { configKey } from '../exam/config-key';
import { keyId, parsePrivateKey, parsePublicKey, signDocument, verifyDocument } from '../exam/signed-document';

const USAGE = [
  'usage: npm run --silent admin -- keygen --out DIR [--force]',
  '       npm run --silent admin -- sign --key KEYFILE --in FILE --out SIGNED',
  '       npm run --silent admin -- verify --pub PUBFILE --in SIGNED',
].join('\n');

class Problem extends Error {}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      strict: true,
      options: {
        out: { type: 'string' },
        key: { type: 'string' },
        in: { type: 'string' },
        pub: { type: 'string' },
        force: { type: 'boolean' },
      },
    }).values;
  } catch (e) {
    if (command === 'verify') return bad(`${(e as Error).message}`);
    return usage((e as Error).message);
  }
  const need = (name: string): string => {
    const v = values[name];
    if (typeof v !== 'string' || v === '') throw new Problem(`${command} needs --${name}`);
    return v;
  };
  try {
    switch (command) {
      case 'keygen':
        return keygen(need('out'), values.force === true);
      case 'sign':
        return signFile(need('key'), need('in'), need('out'));
      case 'verify':
        return verifyFile(need('pub'), need('in'));
      default:
        return usage(command === undefined ? 'no command given' : `unknown command "${command}"`);
    }
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    if (command === 'verify') return bad(e.message);
    process.stderr.write(`admin ${command}: ${e.message}\n`);
    return 1;
  }
}

function keygen(dir: string, force: boolean): number {
  const keyFile = path.join(dir, 'institution.key');
  const pubFile = path.join(dir, 'institution.pub');
  if (!force && existsSync(keyFile)) {
    throw new Problem(`${keyFile} already exists; overwriting it would orphan every file signed with it. Choose another --out, or add --force.`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Problem(`cannot create ${dir} (${code(e)}); choose a folder you can write to.`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeAtomically(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  writeAtomically(pubFile, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 0o644);
  process.stdout.write(`wrote ${keyFile} (private: keep it offline) and ${pubFile} (key id ${keyId(publicKey)})\n`);
  return 0;
}

function signFile(keyFile: string, inFile: string, outFile: string): number {
  const key = parsePrivateKey(readText(keyFile, 'private key', 'Create one with `npm run admin -- keygen --out DIR`.'), keyFile);
  if (!key.ok) throw new Problem(key.error.message);
  const content = readText(inFile, 'file to sign', 'Check the path given to --in.');
  const kind = describeContent(content);
  if (kind.startsWith('not JSON')) throw new Problem(`${inFile} is ${kind}; Vigil signs JSON policies and exams only.`);
  writeAtomically(outFile, signDocument(content, key.value), 0o644);
  const pub = keyId(createPublicKey(key.value));
  process.stdout.write(`signed ${inFile} (${kind}) with key ${pub} -> ${outFile}\n`);
  if (kind === 'JSON that is neither a valid policy nor a valid exam') {
    process.stderr.write(`admin sign: warning: ${inFile} is not a valid Vigil policy or exam; Vigil will refuse it even though it is signed.\n`);
  }
  return 0;
}

function verifyFile(pubFile: string, signedFile: string): number {
  const pub = parsePublicKey(readText(pubFile, 'public key', 'Use the institution.pub written by `npm run admin -- keygen`.'), pubFile);
  if (!pub.ok) return bad(pub.error.message);
  const text = readText(signedFile, 'signed file', 'Check the path given to --in.');
  const verified = verifyDocument(text, pub.value);
  if (!verified.ok) return bad(`${signedFile}: ${verified.error.reason}`);
  const kind = describeContent(verified.value.content);
  process.stdout.write(`OK: ${signedFile} is signed by key ${verified.value.keyId} (${kind}, ${Buffer.byteLength(verified.value.content)} bytes)\n`);
  return 0;
}

function describeContent(content: string): string {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (e) {
    // One line: V8's message quotes the start of the text, newlines and all.
    return `not JSON (${(e as Error).message.replace(/\s+/g, ' ')})`;
  }
  const policy = PolicySchema.safeParse(json);
  // The Config Key is what the exam server compares uploads against (docs/deploy.md).
  if (policy.success) return `a policy, Config Key ${configKey(policy.data)}`;
  if (ExamSchema.safeParse(json).success) return 'an exam';
  return 'JSON that is neither a valid policy nor a valid exam';
}

function readText(file: string, what: string, hint: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Problem(`cannot read the ${what} ${file} (${code(e)}). ${hint}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Problem(`the ${what} ${file} is not UTF-8 text. ${hint}`);
  }
}

/** Written beside and renamed, so an interrupted run never leaves half a key or half a signed file. */
function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode, flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    throw new Problem(`cannot write ${file} (${code(e)}); choose a path you can write to.`);
  }
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

function bad(why: string): number {
  process.stdout.write(`BAD: ${why.replace(/\s*\n\s*/g, ' ')}\n`);
  return 1;
}

function usage(why: string): number {
  process.stderr.write(`admin: ${why}\n${USAGE}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
