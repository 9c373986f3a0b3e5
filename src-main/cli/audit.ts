// `npm run audit -- verify <db> [--key K0] [--anchor SEQ:HASH ...]` / `npm run audit -- export <db> [--out FILE]`
// --key is the attempt's K_0 as the exam server gives it to the proctor: 32 bytes in base64
// (44 characters) or in hex (64 characters). With it every row's tag is checked; without
// it the output says that tags were not checked (the hash chain alone proves little).
// `npm run --silent audit -- summary <db>`: the attempt's review summary as one JSON object.
// An anchor is a row's hash held elsewhere (the exam server receives the head with every
// submission): it catches a log rewritten with every hash recomputed.
// Exit codes: 0 chain intact, 1 chain broken (or cannot be verified), 2 cannot read the file or bad usage.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AuditStore, AuditStoreError } from '../audit/audit-store';
import { decodeKey } from '../audit/keyed-chain';
import { attemptSummaryReport } from '../review/summary-report';

const USAGE = 'usage: npm run audit -- verify <db> [--key K0] [--anchor SEQ:HASH ...] | export <db> [--out FILE] | summary <db>';

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', short: 'o' }, anchor: { type: 'string', multiple: true }, key: { type: 'string' } } });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  const [command, file, ...extra] = parsed.positionals;
  if (command === 'summary' && file !== undefined && extra.length === 0) {
    if (parsed.values.out !== undefined || parsed.values.anchor !== undefined || parsed.values.key !== undefined) {
      return fail(`summary takes only the database\n${USAGE}`);
    }
    const report = attemptSummaryReport(file);
    if (!report.ok) return fail(report.error);
    process.stdout.write(`${JSON.stringify(report.summary)}\n`);
    return report.summary.verification.state === 'ok' ? 0 : 1;
  }
  if ((command !== 'verify' && command !== 'export') || file === undefined || extra.length > 0) return fail(USAGE);
  if (command === 'verify' && parsed.values.out !== undefined) return fail(`--out is for export only\n${USAGE}`);
  if (command === 'export' && parsed.values.anchor !== undefined) return fail(`--anchor is for verify only\n${USAGE}`);
  let k0: Buffer | undefined;
  if (parsed.values.key !== undefined) {
    const text = parsed.values.key.trim();
    try {
      k0 = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : decodeKey(text);
    } catch {
      return fail('--key takes K_0: 32 bytes as 44 characters of base64 or 64 hex digits');
    }
  }
  const anchors = [];
  for (const text of parsed.values.anchor ?? []) {
    const m = /^(\d+):([0-9a-f]{64})$/.exec(text);
    if (!m) return fail(`--anchor takes SEQ:HASH (a row number and its 64-hex sha256), got "${text}"`);
    anchors.push({ seq: Number(m[1]), hash: m[2]! });
  }

  let store: AuditStore;
  try {
    // Read-only: inspecting evidence must not migrate or otherwise change it.
    store = AuditStore.open(file, { readonly: true });
  } catch (error) {
    return fail(error instanceof AuditStoreError ? error.message : `Cannot open ${file}: ${String(error)}`);
  }
  try {
    const inspection = store.inspect(k0);
    let result = store.verify(k0);
    for (const anchor of result.ok ? anchors : []) {
      const check = store.checkAnchor(anchor);
      if (!check.ok) result = { ok: false, rows: result.rows, firstBrokenSeq: anchor.seq, reason: check.reason };
      if (!result.ok) break;
    }
    if (result.ok && k0 && inspection.untaggedRows > 0) {
      result = { ok: false, rows: result.rows, firstBrokenSeq: 1, reason: `${inspection.untaggedRows} row(s) carry no tag, so the key cannot vouch for them` };
    }
    const segments = inspection.acknowledged.length
      ? ` (${inspection.acknowledged.length} earlier break(s) recorded in later segments: ${inspection.acknowledged.map((b) => `row ${b.seq}`).join(', ')})`
      : '';
    const tags = !k0
      ? 'tags not checked (no --key)'
      : inspection.tags.checked && inspection.tags.throughSeq < (inspection.last?.seq ?? 0)
        ? `tags verified through row ${inspection.tags.throughSeq} (later rows are sealed with a new local key)`
        : 'every tag verified with the key';
    const summary = result.ok
      ? `OK: ${result.rows} rows, hash chain intact, ${tags}${anchors.length ? `, ${anchors.length} anchor(s) match` : ''}`
      : `BROKEN at row ${result.firstBrokenSeq}: ${result.reason}${segments}${k0 ? '' : '; tags not checked (no --key)'}`;
    if (command === 'verify') {
      process.stdout.write(`${summary}\n`);
      return result.ok ? 0 : 1;
    }
    const report = {
      format: 'vigil-audit-export',
      formatVersion: 1,
      file,
      schemaVersion: store.schemaVersion,
      exportedAt: new Date().toISOString(),
      verification: result,
      rows: store.entries(),
      // What the exam server was sent and whether it acknowledged it (schema 20 and later).
      outbox: store.schemaVersion >= 20 ? store.outboxItems() : null,
    };
    const json = `${JSON.stringify(report, null, 2)}\n`;
    if (parsed.values.out === undefined) {
      process.stdout.write(json);
      if (!result.ok) process.stderr.write(`${summary}\n`);
    } else {
      writeFileSync(parsed.values.out, json);
      process.stdout.write(`Exported ${report.rows.length} rows to ${parsed.values.out}. ${summary}\n`);
    }
    return result.ok ? 0 : 1;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    store.close();
  }
}

function fail(message: string): number {
  process.stderr.write(`${message}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
