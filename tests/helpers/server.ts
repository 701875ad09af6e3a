import postgres from 'postgres'
import { afterAll, inject } from 'vitest'
import { ADMIN, ANALYST } from './app-process'
import { signIn } from './api'
import type { Actor } from './api'

export const baseURL = () => inject('baseURL')
export const dbMode = () => inject('dbMode')

let admin: Promise<Actor> | undefined
let analyst: Promise<Actor> | undefined
export const signInAdmin = () => (admin ??= signIn(baseURL(), ADMIN.email, ADMIN.password))
export const signInAnalyst = () => (analyst ??= signIn(baseURL(), ANALYST.email, ANALYST.password))

/**
 * A session of the test file's own on the app's Postgres database (Postgres runs only: PGlite lives inside the app
 * process), for what only SQL can do or see; ended after the file's tests.
 */
export function appPostgres(): postgres.Sql {
  const sql = postgres(inject('appEnv').DATABASE_URL!, { max: 1, onnotice: () => {} })
  afterAll(() => sql.end())
  return sql
}
