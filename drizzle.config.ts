import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema/index.ts',
  out: './drizzle',
  schemaFilter: ['switchboard'],
  casing: 'snake_case',
  dbCredentials: { url: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test' }
})
