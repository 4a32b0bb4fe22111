// Argument checks shared by the pricing functions. Every failure is a RangeError whose message names the
// argument, states the requirement and shows the offending value, so a bad market snapshot is traceable.

/** Returns `value` unchanged if it is a finite number; throws a RangeError naming `name` otherwise. */
export function requireFinite(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** Returns `value` unchanged if it is finite and > 0; throws a RangeError naming `name` otherwise. */
export function requirePositive(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** Returns `value` unchanged if it is finite and >= 0; throws a RangeError naming `name` otherwise. */
export function requireNonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/** Returns `value` unchanged if it is 'call' or 'put'; throws a RangeError naming `name` otherwise. */
export function requireOptionType(name: string, value: unknown): 'call' | 'put' {
  if (value !== 'call' && value !== 'put') {
    throw new RangeError(`${name} must be 'call' or 'put', got ${String(value)}`);
  }
  return value;
}

/**
 * Returns `value` unchanged if it is finite; otherwise throws a RangeError saying which result overflowed
 * and for which inputs. Valid but extreme inputs (e.g. rate = -1000) can overflow float64, and callers are
 * promised a finite number or an exception, never Infinity or NaN.
 */
export function requireFiniteResult(what: string, value: number, inputs: object): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${what} is not representable (got ${String(value)}) for ${describe(inputs)}`);
  }
  return value;
}

/** Returns `key=value` pairs of an input object, for error messages. */
export function describe(inputs: object): string {
  return Object.entries(inputs)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
}
