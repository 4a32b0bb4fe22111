import erfc from '@stdlib/math-base-special-erfc';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Returns the standard normal cumulative distribution Φ(x), a probability in [0, 1]. */
export function normalCdf(x: number): number {
  // erfc keeps full relative precision in the lower tail, where 1 - Φ(-x) would cancel to 0.
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Returns the standard normal density φ(x) = exp(-x²/2)/√(2π) (per unit of x). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
