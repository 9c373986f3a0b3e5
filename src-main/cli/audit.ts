// `npm run audit -- verify <db> [--anchor SEQ:HASH ...]` / `npm run audit -- export <db> [--out FILE]`
// `npm run --silent audit -- summary <db>`: the attempt's review summary as one JSON object.
// An anchor is a row's hash held elsewhere (the exam server receives the head with every
// submission): it catches a log rewritten with every hash recomputed.
// Exit codes: 0 chain intact, 1 chain broken (or cannot be verified), 2 cannot read the file or bad usage.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AuditStore, AuditStoreError } from '../audit/audit-store';
import { attemptSummaryReport } from '../review/summary-report';

const USAGE = 'usage: npm run audit -- verify <db> [--anchor SEQ:HASH ...] | export <db> [--out FILE] | summary <db>';

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', short: 'o' }, anchor: { type: 'string', multiple: true } } });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  const [command, file, ...extra] = parsed.positionals;
  if (command === 'summary' && file !== undefined && extra.length === 0) {
    if (parsed.values.out !== undefined || parsed.values.anchor !== undefined) return fail(`summary takes only the database\n${USAGE}`);
    const report = attemptSummaryReport(file);
    if (!report.ok) return fail(report.error);
    process.stdout.write(`${JSON.stringify(report.summary)}\n`);
    return report.summary.verification.state === 'ok' ? 0 : 1;
  }
  if ((command !== 'verify' && command !== 'export') || file === undefined || extra.length > 0) return fail(USAGE);
  if (command === 'verify' && parsed.values.out !== undefined) return fail(`--out is for export only\n${USAGE}`);
  if (command === 'export' && parsed.values.anchor !== undefined) return fail(`--anchor is for verify only\n${USAGE}`);
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
    let result = store.verify();
    for (const anchor of result.ok ? anchors : []) {
      const check = store.checkAnchor(anchor);
      if (!check.ok) result = { ok: false, rows: result.rows, firstBrokenSeq: anchor.seq, reason: check.reason };
      if (!result.ok) break;
    }
    const summary = result.ok
      ? `OK: ${result.rows} rows, hash chain intact${anchors.length ? `, ${anchors.length} anchor(s) match` : ''}`
      : `BROKEN at row ${result.firstBrokenSeq}: ${result.reason}`;
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
