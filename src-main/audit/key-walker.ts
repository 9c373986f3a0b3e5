import { hash } from 'node:crypto';

const BLOCK = 64;
const DIGEST = 32;
const EVOLVE = Buffer.from('evolve', 'utf8');
const HEX_64 = /^[0-9a-f]{64}$/;

/**
 * Walks the keyed chain's keys forward, one row at a time, for callers that touch every row
 * (the verifier, the server catching up to a far checkpoint). It computes exactly what
 * keyed-chain.ts's `tagFor` and `evolveKey` compute (HMAC-SHA256, RFC 2104), but with the
 * key's pads laid out once per key in two reused buffers and one-shot `crypto.hash` calls:
 * `createHmac` builds a new object and re-derives the pads on every call, which made the
 * tags cost more than the row hashes when verifying 100,000 rows.
 */
export class KeyWalker {
  /** ipad-xored key, then the message (at most one block). */
  private readonly inner = Buffer.alloc(BLOCK + BLOCK);
  /** opad-xored key, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + DIGEST);
  /** The inner input of a tag (pad + 64 hex characters) and of an evolution (pad + "evolve"), as views made once. */
  private readonly tagInput = this.inner.subarray(0, BLOCK + 64);
  private readonly evolveInput = this.inner.subarray(0, BLOCK + EVOLVE.length);

  constructor(
    key: Uint8Array,
    /** The index of `key`: it is K_index. */
    public index = 0,
  ) {
    this.setKey(key);
  }

  /** HMAC(K_index, hash) as hex: the tag of the row K_index seals. */
  tag(rowHash: string): string {
    if (!HEX_64.test(rowHash)) throw new TypeError('a row hash is 64 lowercase hex characters');
    return this.tagOfComputedHash(rowHash);
  }

  /**
   * tag() for a hash the caller computed itself (rowHash's hex output), so already 64
   * lowercase hex characters: the verifier's per-row path, where the check cost 5%.
   */
  tagOfComputedHash(rowHash: string): string {
    this.inner.write(rowHash, BLOCK, 'latin1');
    return this.mac(this.tagInput, 'hex');
  }

  /** K_index (a copy). */
  key(): Buffer {
    const key = Buffer.alloc(DIGEST);
    for (let i = 0; i < DIGEST; i++) key[i] = this.inner[i]! ^ 0x36;
    return key;
  }

  /** Moves to K_{index+1} = HMAC(K_index, "evolve"); the old key is overwritten. */
  evolve(): void {
    EVOLVE.copy(this.inner, BLOCK);
    this.setKey(this.mac(this.evolveInput, 'buffer'));
    this.index++;
  }

  /** Moves forward to K_target. */
  advanceTo(target: number): void {
    if (!Number.isSafeInteger(target) || target < this.index) {
      throw new RangeError(`cannot derive K_${target} from K_${this.index}: keys only evolve forward`);
    }
    while (this.index < target) this.evolve();
  }

  private mac(input: Buffer, encoding: 'hex'): string;
  private mac(input: Buffer, encoding: 'buffer'): Buffer;
  private mac(input: Buffer, encoding: 'hex' | 'buffer'): string | Buffer {
    hash('sha256', input, 'buffer').copy(this.outer, BLOCK);
    return encoding === 'hex' ? hash('sha256', this.outer, 'hex') : hash('sha256', this.outer, 'buffer');
  }

  private setKey(key: Uint8Array): void {
    // The chain's keys are 32 bytes (shorter than a block, so RFC 2104 zero-pads them, and key() can read one back).
    if (key.length !== DIGEST) throw new RangeError(`a chain key is ${DIGEST} bytes, got ${key.length}`);
    for (let i = 0; i < BLOCK; i++) {
      const b = i < key.length ? key[i]! : 0;
      this.inner[i] = b ^ 0x36;
      this.outer[i] = b ^ 0x5c;
    }
  }
}
