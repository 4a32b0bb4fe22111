// Writes docs/book.schema.json from the zod schemas (npm run schema); a test checks it is current.
import { writeFileSync } from 'node:fs';
import { bookJsonSchema } from '../src/core/index.js';

writeFileSync('docs/book.schema.json', `${JSON.stringify(bookJsonSchema(), null, 2)}\n`);
console.log('wrote docs/book.schema.json');
