import { z } from 'zod';
import { bookSchema } from './book.js';

/** Returns the JSON Schema (draft 2020-12) of a book's input, generated from the zod schema. */
export function bookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(bookSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    ...schema,
    $id: 'https://unimargin.dev/schema/book.schema.json',
    title: 'unimargin book',
    description:
      'Accounts (a tree), their balances and positions, the instruments and the market snapshot to margin them against.',
  };
}
