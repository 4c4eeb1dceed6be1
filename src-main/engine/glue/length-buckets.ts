// Padded lengths for GLUE batches. Padding every batch to its own longest row gives almost every step a new
// shape, and on GPU backends every new shape costs new shader programs and kernel choices. Padding to the
// smallest of a few fixed lengths keeps the set of shapes small (at most buckets × 2 per run: full batches
// and the epoch's last, partial one) while wasting little compute on padding. Padded positions are masked,
// so the results do not depend on the bucket (up to float rounding).

/**
 * The bucket lengths for rows of at most `maxLength` tokens: 16, 32, 48, 64, 96, 128, 192, 256, 384, 512
 * below maxLength, then maxLength itself.
 */
export function lengthBuckets(maxLength: number): number[] {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new Error(`lengthBuckets: maxLength must be a positive integer, got ${maxLength}`);
  const steps = [16, 32, 48, 64, 96, 128, 192, 256, 384, 512].filter((b) => b < maxLength);
  return [...steps, maxLength];
}

/** The smallest bucket that holds `length` tokens. */
export function bucketFor(length: number, buckets: number[]): number {
  for (const b of buckets) if (b >= length) return b;
  throw new Error(`bucketFor: a row of ${length} tokens is longer than the largest bucket (${buckets.at(-1)})`);
}
