// Derive's clock: times are whole seconds to expiry, years are 365 days (lyra-utils Black76.annualise).

/** Seconds in Derive's year (365 days). */
export const SECONDS_PER_YEAR = 365 * 86_400;

/** Thirty days in seconds: the pivot of the vol shock's term scaling. */
export const THIRTY_DAYS = 30 * 86_400;

/** Returns a time to expiry in years from whole seconds. */
export function annualise(secToExpiry: number): number {
  return secToExpiry / SECONDS_PER_YEAR;
}
