// drizzle-kit configuration: one schema, one migrations folder, used by both the PGlite and the pg drivers.
// Regenerate after a schema change: npx drizzle-kit generate
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema.ts',
  out: './drizzle',
});
