import { inject } from 'vitest'
import { ADMIN, ANALYST } from './app-process'
import { signIn } from './api'
import type { Actor } from './api'

export const baseURL = () => inject('baseURL')
export const dbMode = () => inject('dbMode')

let admin: Promise<Actor> | undefined
let analyst: Promise<Actor> | undefined
export const signInAdmin = () => (admin ??= signIn(baseURL(), ADMIN.email, ADMIN.password))
export const signInAnalyst = () => (analyst ??= signIn(baseURL(), ANALYST.email, ANALYST.password))
