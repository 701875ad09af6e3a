import { z } from 'zod'

// zod 4 compiles object parsers with `new Function` unless told not to, probing for it when a schema is built:
// under the Content-Security-Policy (no 'unsafe-eval') that probe is a violation report on every page load.
// Set at module evaluation, not in setup(): the shared schemas are built when their modules load, and this
// file ("00.") is imported before every plugin that pulls them in. The interpreted parsers are fast enough here.
z.config({ jitless: true })

export default defineNuxtPlugin(() => {})
