import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditStore, AuditStoreError } from '../../../src-main/audit/audit-store';
import { AUDIT_KINDS, checkAuditPayload } from '../../../src-main/contract';
import { flagPayload, scoredPayload, startedPayload } from '../../audit-payloads';
import { tamper } from './tamper';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-audit-rows-'));
  file = join(dir, 'attempt.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('audit row schemas', () => {
  it('there is one per kind, and the three error shapes the engine writes all fit', () => {
    expect(AUDIT_KINDS).toEqual([
      'session_started',
      'package_scored',
      'flag_raised',
      'risk_changed',
      'answer_saved',
      'integrity_event',
      'integrity_observation',
      'session_locked',
      'submission',
      'error',
      'session_resumed',
      'upload_requeued',
      'integrity_finding',
      'system_check',
      'exam_started',
      'warning_acknowledged',
      'close_attempt',
      'session_closed',
      'upload_queued',
      'engine_state_saved',
      'checkpoint_queued',
      'log_tampered',
      'segment_started',
      'clock_jump',
      'proctor_order',
      'exam_start_confirmed',
    ]);
    expect(checkAuditPayload('error', { what: 'rejected call', call: 'saveAnswer', reason: 'bad payload' }).ok).toBe(true);
    expect(checkAuditPayload('error', { source: 'upload', outboxId: 'o1', path: '/x', error: 'HTTP 400' }).ok).toBe(true);
    expect(checkAuditPayload('error', { what: 'scoring activity', message: 'boom' }).ok).toBe(true);
    expect(checkAuditPayload('error', { what: 'scoring activity' }).ok).toBe(false);
    expect(checkAuditPayload('proctor_order', { outcome: 'refused', order: null, signature: null, refusal: 'not a signed proctor order', at: 1 }).ok).toBe(true);
    expect(checkAuditPayload('proctor_order', { outcome: 'applied', order: null, signature: null, refusal: null }).ok).toBe(false);
  });

  it('names the field at fault, and a key the schema does not know is an error, not dropped', () => {
    const missing = checkAuditPayload('submission', { submittedAt: 1, reason: 'student', answerCount: 2 });
    expect(missing).toMatchObject({ ok: false, problem: expect.stringContaining('riskScore') });
    const extra = checkAuditPayload('flag_raised', { ...flagPayload(1), answerText: 'secret' });
    expect(extra).toMatchObject({ ok: false, problem: expect.stringContaining('answerText') });
    const wrongEnum = checkAuditPayload('integrity_event', { kind: 'wandered_off', at: 1, message: '' });
    expect(wrongEnum.ok).toBe(false);
  });
});

describe('AuditStore: rows are checked against their schema', () => {
  it('on append: a payload that does not fit is refused and nothing is written', () => {
    const store = AuditStore.open(file);
    const bad = { ...scoredPayload(1, 0.5), level: 'severe' } as never;
    expect(() => store.append('package_scored', bad)).toThrow(AuditStoreError);
    expect(() => store.append('package_scored', bad)).toThrow(/The package_scored audit payload does not fit its schema: .*level/);
    // Neither the row nor its upload.
    expect(() => store.append('flag_raised', { sequence: 1 } as never, { path: '/api/f', body: {} })).toThrow(/flag_raised audit payload does not fit/);
    expect(store.entries()).toEqual([]);
    expect(store.outboxCounts()).toEqual({ pending: 0, delivered: 0, rejected: 0 });
    store.close();
  });

  it('on read: a row that does not fit is named with its problem, its stored content kept as found', () => {
    const store = AuditStore.open(file);
    store.append('session_started', startedPayload('s1'));
    store.append('flag_raised', flagPayload(1));
    store.append('flag_raised', flagPayload(2));
    store.close();
    tamper(file, `UPDATE audit SET payload = '{"level":"high","sequence":"two"}' WHERE seq = 2`);
    // The table itself refuses text that is not JSON; JSON that is not an object gets in.
    tamper(file, `UPDATE audit SET payload = '[1,2]' WHERE seq = 3`);

    const again = AuditStore.open(file, { readonly: true });
    const [first, second, third] = again.records();
    expect(first).toMatchObject({ valid: true, kind: 'session_started', payload: { sessionId: 's1' } });
    expect(second).toMatchObject({ valid: false, seq: 2, kind: 'flag_raised', payload: { level: 'high', sequence: 'two' } });
    expect(second!.valid === false && second!.problem).toMatch(/does not fit the flag_raised schema: .*sequence/);
    expect(third).toMatchObject({ valid: false, seq: 3, payload: [1, 2], problem: expect.stringContaining('flag_raised schema') });

    const entries = again.entries();
    expect(entries[0]!.problem).toBeUndefined();
    expect(entries[1]).toMatchObject({ payload: { level: 'high', sequence: 'two' }, problem: expect.stringContaining('sequence') });
    expect(entries[2]).toMatchObject({ payload: { unparseable: '[1,2]' }, problem: expect.stringContaining('flag_raised schema') });
    again.close();
  });

  it('on read: a kind this build does not know is named', () => {
    const store = AuditStore.open(file);
    store.append('flag_raised', flagPayload(1));
    store.close();
    tamper(file, `UPDATE audit SET kind = 'mystery' WHERE seq = 1`);
    const again = AuditStore.open(file, { readonly: true });
    expect(again.records()[0]).toMatchObject({ valid: false, kind: 'mystery', problem: 'unknown audit kind "mystery"' });
    again.close();
  });
});
