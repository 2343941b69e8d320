// Buffers for webhook bodies. A large body (a forged 5 MB one, say) is read into one of a few kept buffers of
// the maximum size instead of a fresh allocation: under a flood of large bodies, fresh multi-megabyte
// allocations are external memory V8 answers with frequent full garbage collections (measured with
// --trace-gc: docs/decisions/0019), on the thread that answers Shopify. Small bodies take a fresh buffer.

export type BodyBuffers = { take(size: number): Buffer; give(buffer: Buffer): void };

export function createBodyBuffers(options: { slabBytes: number; keep: number; largeFrom: number }): BodyBuffers {
  const free: Buffer[] = [];
  const slabs = new WeakSet<ArrayBufferLike>();
  return {
    take(size) {
      if (size <= options.largeFrom || size > options.slabBytes) return Buffer.allocUnsafe(size);
      const slab = free.pop() ?? Buffer.allocUnsafeSlow(options.slabBytes);
      slabs.add(slab.buffer);
      return slab.subarray(0, size);
    },
    give(buffer) {
      if (!slabs.has(buffer.buffer) || free.length >= options.keep) return;
      free.push(Buffer.from(buffer.buffer, 0, options.slabBytes));
    },
  };
}
