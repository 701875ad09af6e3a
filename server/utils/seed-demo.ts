import type { Database } from '../db/client'

/** Demo projects, people and conversations (filled in with the write path). */
export async function seedDemoData(_db: Database) {}
