// The engine's reading of the one event schema (src/account): an event addressed to its account, or a tick.
// Errors name the field under `event.` because the engine is handed the event alone.
import { addressedEventSchema, type AddressedEvent } from '../account/index.js';
import { InputError, zodIssues } from '../core/index.js';

/** Returns the event validated against its schema; throws InputError naming each bad field (`event.price`). */
export function parseEvent(value: unknown): AddressedEvent {
  const result = addressedEventSchema.safeParse(value);
  if (!result.success) throw new InputError(zodIssues(result.error, ['event']));
  return result.data;
}

/** Throws an InputError for one field of an event. */
export function rejectEvent(field: string, message: string, hint?: string): never {
  throw new InputError([{ path: `event.${field}`, message, ...(hint === undefined ? {} : { hint }) }]);
}
