/**
 * The cleaner's key → latest-offset map, after Kafka's SkimpyOffsetMap: an open-addressing hash
 * table of 16-byte key digests and 8-byte offsets in typed arrays (24 bytes an entry, no object per
 * key). It grows by doubling up to `log.cleaner.dedupe.buffer.size` bytes; at that size it accepts
 * entries up to the load factor and then reports itself full, and the cleaner cleans only the part
 * of the log it managed to map (the rest waits for the next round), as Kafka does.
 */

/** Bytes per slot: four int32 digest words and one float64 offset. */
export const OFFSET_MAP_SLOT_BYTES = 24;
const INITIAL_SLOTS = 1 << 12;
const MIN_SLOTS = 16;
/** Below the maximum size the table doubles once it is half full, which keeps probe chains short. */
const GROW_AT = 0.5;

export interface OffsetMapOptions {
  /** Upper bound on the memory of the table (log.cleaner.dedupe.buffer.size). */
  maxBytes: number;
  /** Share of the slots that may be used at the maximum size (log.cleaner.io.buffer.load.factor). */
  loadFactor?: number;
}

export class OffsetMap {
  /** Largest number of entries the map accepts. */
  readonly maxEntries: number;
  /** The largest offset put so far, -1 when empty. */
  latestOffset = -1;
  private readonly maxSlots: number;
  private readonly initialSlots: number;
  private digests: Int32Array;
  private offsets: Float64Array;
  private mask: number;
  private count = 0;

  constructor(opts: OffsetMapOptions) {
    const loadFactor = opts.loadFactor ?? 0.9;
    let slots = MIN_SLOTS;
    while (slots * 2 * OFFSET_MAP_SLOT_BYTES <= opts.maxBytes) slots *= 2;
    this.maxSlots = slots;
    this.maxEntries = Math.max(1, Math.min(slots - 1, Math.floor(slots * loadFactor)));
    this.initialSlots = Math.min(INITIAL_SLOTS, slots);
    this.digests = new Int32Array(this.initialSlots * 4);
    this.offsets = new Float64Array(this.initialSlots).fill(-1);
    this.mask = this.initialSlots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table now. */
  get allocatedBytes(): number {
    return this.offsets.length * OFFSET_MAP_SLOT_BYTES;
  }

  /** Whether `n` more distinct keys are guaranteed to fit. */
  canFit(n: number): boolean {
    return this.count + n <= this.maxEntries;
  }

  /** Records `offset` as the latest offset of the key with `digest`; the caller checked canFit. */
  put(digest: Int32Array, offset: number): void {
    if (this.count + 1 > (this.mask + 1) * GROW_AT && this.mask + 1 < this.maxSlots) this.grow();
    const slot = this.find(digest);
    if (this.offsets[slot] as number < 0) {
      if (this.count >= this.maxEntries) throw new Error('offset map is full');
      this.count++;
      const at = slot * 4;
      this.digests[at] = digest[0] as number;
      this.digests[at + 1] = digest[1] as number;
      this.digests[at + 2] = digest[2] as number;
      this.digests[at + 3] = digest[3] as number;
    }
    this.offsets[slot] = offset;
    if (offset > this.latestOffset) this.latestOffset = offset;
  }

  /** The latest offset recorded for the key with `digest`, or -1. */
  get(digest: Int32Array): number {
    return this.offsets[this.find(digest)] as number;
  }

  /** Empties the map, giving back memory beyond the initial size. */
  clear(): void {
    this.count = 0;
    this.latestOffset = -1;
    if (this.offsets.length > this.initialSlots) {
      this.digests = new Int32Array(this.initialSlots * 4);
      this.offsets = new Float64Array(this.initialSlots).fill(-1);
      this.mask = this.initialSlots - 1;
    } else {
      this.offsets.fill(-1);
    }
  }

  /**
   * The slot holding `digest`, or the empty slot where it would go. Double hashing: the first word
   * picks the start, the second an odd step, so every slot of the power-of-two table is visited.
   */
  private find(digest: Int32Array): number {
    const d0 = digest[0] as number;
    const d1 = digest[1] as number;
    const d2 = digest[2] as number;
    const d3 = digest[3] as number;
    const mask = this.mask;
    const step = (d1 | 1) & mask;
    let slot = d0 & mask;
    for (;;) {
      if ((this.offsets[slot] as number) < 0) return slot;
      const at = slot * 4;
      if (this.digests[at] === d0 && this.digests[at + 1] === d1 && this.digests[at + 2] === d2 && this.digests[at + 3] === d3) return slot;
      slot = (slot + step) & mask;
    }
  }

  private grow(): void {
    const oldDigests = this.digests;
    const oldOffsets = this.offsets;
    const slots = oldOffsets.length * 2;
    this.digests = new Int32Array(slots * 4);
    this.offsets = new Float64Array(slots).fill(-1);
    this.mask = slots - 1;
    const digest = new Int32Array(4);
    for (let i = 0; i < oldOffsets.length; i++) {
      const offset = oldOffsets[i] as number;
      if (offset < 0) continue;
      digest.set(oldDigests.subarray(i * 4, i * 4 + 4));
      const slot = this.find(digest);
      this.digests.set(digest, slot * 4);
      this.offsets[slot] = offset;
    }
  }
}
