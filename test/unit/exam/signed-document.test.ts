import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyId, parsePrivateKey, parsePublicKey, signDocument, verifyDocument } from '../../../src-main/exam/signed-document';

const institution = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const policy = '{\n  "schemaVersion": 1,\n  "windowSeconds": 5,\n  "serverUrl": null\n}\n';

describe('signed documents', () => {
  it('round-trips: the content comes back byte for byte, with the key id', () => {
    const signed = signDocument(policy, institution.privateKey);
    const r = verifyDocument(signed, institution.publicKey);
    expect(r).toEqual({ ok: true, value: { content: policy, keyId: keyId(institution.publicKey) } });
    // The envelope stays readable: the content is the policy text itself.
    expect(JSON.parse(signed)).toMatchObject({ format: 'vigil-signed/1', algorithm: 'Ed25519', content: policy });
  });

  it('refuses any changed byte of the content', () => {
    const signed = JSON.parse(signDocument(policy, institution.privateKey)) as { content: string };
    for (let i = 0; i < policy.length; i++) {
      const c = policy.charCodeAt(i);
      const changed = { ...signed, content: policy.slice(0, i) + String.fromCharCode(c ^ 1) + policy.slice(i + 1) };
      const r = verifyDocument(JSON.stringify(changed), institution.publicKey);
      expect(r.ok, `byte ${i}`).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('bad_signature');
    }
  });

  it('refuses a document signed by another key, naming both key ids', () => {
    const r = verifyDocument(signDocument(policy, other.privateKey), institution.publicKey);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('wrong_key');
      expect(r.error.reason).toContain(keyId(other.publicKey));
      expect(r.error.reason).toContain(keyId(institution.publicKey));
    }
  });

  it('refuses a re-signed document whose key id was relabelled to the trusted one', () => {
    const forged = { ...JSON.parse(signDocument(policy, other.privateKey)), keyId: keyId(institution.publicKey) };
    const r = verifyDocument(JSON.stringify(forged), institution.publicKey);
    expect(!r.ok && r.error.kind).toBe('bad_signature');
  });

  it.each([
    ['plain JSON', policy, 'not_signed'],
    ['an envelope without signature', JSON.stringify({ format: 'vigil-signed/1', algorithm: 'Ed25519', keyId: 'x', content: policy }), 'not_signed'],
    ['not JSON', 'schemaVersion: 1', 'malformed'],
    ['another algorithm', JSON.stringify({ format: 'vigil-signed/1', algorithm: 'RSA', keyId: 'x', signature: 'AA==', content: policy }), 'malformed'],
    ['a truncated signature', JSON.stringify({ format: 'vigil-signed/1', algorithm: 'Ed25519', keyId: 'x', signature: 'AAAA', content: policy }), 'bad_signature'],
  ])('refuses %s', (_name, text, kind) => {
    const r = verifyDocument(text, institution.publicKey);
    expect(!r.ok && r.error.kind).toBe(kind);
  });

  it('accepts only Ed25519 keys, with a sentence naming the source', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pub = parsePublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(), '/etc/vigil/institution.pub');
    expect(!pub.ok && pub.error.message).toMatch(/\/etc\/vigil\/institution\.pub is a rsa key/);
    expect(parsePublicKey('not a key', 'k.pub').ok).toBe(false);
    expect(parsePrivateKey(institution.publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'k.key').ok).toBe(false);
  });
});
