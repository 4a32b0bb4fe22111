// The published JSON Schema is generated from the zod schemas; this keeps the committed copy current.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bookJsonSchema } from '../../src/core/index.js';

it('docs/book.schema.json equals the schema generated from the zod schemas (run npm run schema)', () => {
  const committed: unknown = JSON.parse(readFileSync('docs/book.schema.json', 'utf8'));
  assert.deepEqual(committed, JSON.parse(JSON.stringify(bookJsonSchema())));
});

it('the schema describes the top-level book fields and rejects unknown ones', () => {
  const schema = bookJsonSchema() as {
    properties: Record<string, unknown>;
    required: string[];
    additionalProperties: boolean;
  };
  assert.deepEqual([...schema.required].sort(), ['accounts', 'instruments', 'market']);
  assert.equal(schema.additionalProperties, false);
  assert.ok('reportingCurrency' in schema.properties);
});
