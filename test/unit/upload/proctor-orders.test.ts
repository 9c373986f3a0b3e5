import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { proctorOrderBytes, ProctorOrderAuditSchema, type ProctorOrder } from '../../../src-main/contract/proctor-order';
import { ProctorOrderInbox, serverOrderKey, verifyProctorOrder } from '../../../src-main/upload/proctor-orders';
import { orderSigner } from '../../../src-server/order-signing';

const server = orderSigner(Buffer.alloc(32, 7));
const order = (extra: Partial<ProctorOrder> = {}): ProctorOrder => ({
  version: 1,
  orderId: `o-${extra.seq ?? 1}`,
  sessionId: 's1',
  seq: 1,
  action: 'lock',
  extendMinutes: 0,
  deadline: 1_000_000,
  reason: 'phone on the desk',
  issuedAt: 500,
  ...extra,
});
const inbox = (last = 0) => new ProctorOrderInbox(server.publicKey, 's1', () => 42, last);

describe('proctor orders on the client', () => {
  it('applies an order the server signed, with an audit row that keeps the signature', () => {
    const signed = server.sign(order());
    const verdict = inbox().receive(signed);
    expect(verdict).toMatchObject({ kind: 'apply', order: { action: 'lock', seq: 1 } });
    if (verdict.kind !== 'apply') throw new Error('unreachable');
    expect(ProctorOrderAuditSchema.parse(verdict.audit)).toEqual({ outcome: 'applied', order: signed.order, signature: signed.signature, refusal: null, at: 42 });
  });

  it.each([
    ['an unlock made from a lock', (o: ProctorOrder) => ({ ...o, action: 'unlock' as const })],
    ['a deadline moved', (o: ProctorOrder) => ({ ...o, deadline: o.deadline + 3_600_000 })],
    ['a longer extension', (o: ProctorOrder) => ({ ...o, action: 'extend' as const, extendMinutes: 60 })],
    ['a later seq', (o: ProctorOrder) => ({ ...o, seq: 9 })],
  ])('refuses %s: the signature no longer matches', (_what, change) => {
    const signed = server.sign(order());
    const verdict = inbox().receive({ order: change(signed.order), signature: signed.signature });
    expect(verdict.kind).toBe('refuse');
    if (verdict.kind !== 'refuse') throw new Error('unreachable');
    expect(verdict.audit.refusal).toMatch(/does not carry the exam server's signature/);
    expect(ProctorOrderAuditSchema.safeParse(verdict.audit).success).toBe(true);
  });

  it("refuses an order a student signed with a key of their own, and another server's", () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = { order: order({ action: 'extend', extendMinutes: 120 }), signature: '' };
    forged.signature = sign(null, Buffer.from(proctorOrderBytes(forged.order)), privateKey).toString('base64');
    expect(inbox().receive(forged).kind).toBe('refuse');
    expect(inbox().receive(orderSigner(Buffer.alloc(32, 8)).sign(order())).kind).toBe('refuse');
  });

  it("refuses another attempt's order, a replay and an older order; a repeat of the last is a duplicate", () => {
    const box = inbox();
    expect(box.receive(server.sign(order({ sessionId: 's2' })))).toMatchObject({ kind: 'refuse', audit: { refusal: expect.stringMatching(/for another attempt \(s2\)/) } });
    const lock = server.sign(order({ seq: 1 }));
    const unlock = server.sign(order({ seq: 2, orderId: 'o-2', action: 'unlock' }));
    expect(box.receive(lock).kind).toBe('apply');
    expect(box.receive(unlock).kind).toBe('apply');
    expect(box.receive(unlock)).toEqual({ kind: 'duplicate', orderId: 'o-2' });
    expect(box.receive(lock)).toMatchObject({ kind: 'refuse', audit: { refusal: expect.stringMatching(/not newer than #2.*replay or superseded/) } });
    expect(box.lastAppliedSeq).toBe(2);
    // Restored after a restart: the old lock stays refused.
    expect(inbox(2).receive(lock).kind).toBe('refuse');
  });

  it('refuses garbage with a reason and never throws', () => {
    for (const junk of [null, 'lock', {}, { order: order(), signature: 'not base64!' }, { order: { ...order(), version: 2 }, signature: 'AA==' }]) {
      const verdict = inbox().receive(junk);
      expect(verdict.kind).toBe('refuse');
    }
    expect(verifyProctorOrder({ order: order() }, serverOrderKey(server.publicKey), 's1')).toMatchObject({ ok: false, refusal: expect.stringMatching(/not a signed proctor order: signature/) });
  });

  it('a server key that is not 32 bytes of base64 is an error at once', () => {
    expect(() => serverOrderKey('abc')).toThrow(/32 bytes/);
    expect(() => new ProctorOrderInbox(Buffer.alloc(31).toString('base64'), 's1', () => 0)).toThrow(/32 bytes/);
  });
});
