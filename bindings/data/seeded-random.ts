// A small seeded generator for data pipelines: xoshiro128** (Blackman and Vigna) on 32-bit
// integer arithmetic only, so a seed gives the same sequence in every JavaScript engine.

/** The murmur3 finaliser: spreads every input bit over the whole word. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  /**
   * `seed` is a whole number from 0 to 2^53 - 1; `stream` (a whole number from 0 to 2^32 - 1)
   * picks one of many independent sequences for the same seed, e.g. one per epoch.
   */
  constructor(seed: number, stream = 0) {
    let x = mix32(Math.floor(seed / 2 ** 32) ^ mix32((seed >>> 0) ^ mix32(stream + 0x6a09e667)));
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      words.push(mix32(x));
    }
    // The all-zero state is the one xoshiro cannot leave.
    if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
    [this.s0, this.s1, this.s2, this.s3] = words;
  }

  /** The next 32 random bits as a number in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform whole number in [0, n), n from 1 to 2^32, without modulo bias. */
  below(n: number): number {
    // Draws under 2^32 mod n would make the low residues more likely; they are redrawn.
    const rejectUnder = 2 ** 32 % n;
    for (;;) {
      const r = this.nextUint32();
      if (r >= rejectUnder) return r % n;
    }
  }

  /** A uniform number in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /**
   * A standard normal number (Box-Muller). Math.log/cos/sin are not bit-exact across JavaScript
   * engines in general; V8 (Node, Deno, Chromium) uses one implementation, so those agree.
   */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    const u1 = (this.nextUint32() + 1) / 2 ** 32; // in (0, 1]: log(0) would be -Infinity
    const angle = 2 * Math.PI * this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Shuffles `values` in place (Fisher-Yates). */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const v = values[i];
      values[i] = values[j];
      values[j] = v;
    }
    return values;
  }
}
