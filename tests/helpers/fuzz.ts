import fc from 'fast-check'

// Shared fast-check set-up for the fuzz suites (docs/testing.md, "Fuzz tests"). One fixed seed so CI is
// reproducible; FC_SEED / FC_PATH replay the counterexample a failure prints, FC_RUNS runs more (or fewer).
export const FUZZ_SEED = Number(process.env.FC_SEED ?? 20_261_201)

export function configureFuzz(numRuns: number) {
  fc.configureGlobal({
    seed: FUZZ_SEED,
    numRuns: Number(process.env.FC_RUNS ?? numRuns),
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {})
  })
}

/** A property's own run count, which FC_RUNS overrides like the global one. */
export const runs = (numRuns: number) => ({ numRuns: Number(process.env.FC_RUNS ?? numRuns) })

/** Characters that break naive text handling: NUL, lone surrogates, bidi controls, zero-width, combining marks. */
export const NASTY_PIECES = [
  '\u0000', '\uD800', '\uDFFF', '\uDBFF\uDFFF', '\u202E', '\u2066', '\u2069', '\u200E', '\u061C', '\u200B', '\u200C',
  '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u0301', '\u0654', '\r\n', '\t', '\u2028', '\u3000', '\u00A0', ' ', '.', '/',
  '\\', '..', '😀', '👩🏽‍💻', 'é', 'e', 'ب', '<', '>', '"', '\'', '%00', '${x}', ':', '-', '_', 'A', '9'
]

// A few characters that change meaning next to each other (a leading dot, a space after it, a mark after an
// invisible character), drawn often enough that short runs of them meet.
const DENSE_PIECES = ['.', ' ', 'e', '\u200B', '\u200D', '\u0301', '/', '\u202E', '😀', '\uD800', '\u0000', 'ب']

const denseString = fc.array(fc.constantFrom(...DENSE_PIECES), { minLength: 1, maxLength: 4 }).map(pieces => pieces.join(''))

export const nastyString = fc.oneof(
  denseString,
  fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...NASTY_PIECES) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }
    ),
    { maxLength: 16 }
  ).map(pieces => pieces.join(''))
)

/** Long runs past the limits (255, 1000, 5000); kept rare by the callers, as each costs a segmenting pass. */
export const hugeString = fc.tuple(
  fc.constantFrom('a', ' ', '😀', '\u0301', 'é', '\u200B', '\u0000'),
  fc.constantFrom(256, 1001, 5001, 20_000)
).map(([piece, count]) => piece.repeat(count))

export const edgeNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, -1, 0, 0.5, 1.5, 2 ** 31 - 1, 2 ** 31, 2 ** 53,
    Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, Number.MIN_VALUE, 4000, 4999),
  fc.integer(),
  fc.double()
)

/** Arrays and objects nested `depth` deep, around a leaf. */
export function nested(depth: number, leaf: unknown = 'x'): unknown {
  let value = leaf
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
  return value
}

export const deepValue = fc.integer({ min: 50, max: 3000 }).map(depth => nested(depth))

/** Keys that trip code which treats objects as dictionaries. */
export const nastyKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'type', 'id', 'data'),
  nastyString
)

export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, '', [], {}) },
  { weight: 3, arbitrary: edgeNumber },
  { weight: 4, arbitrary: nastyString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) }
)

type Path = Array<string | number>

function pathsOf(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at)
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out)
  return out
}

type Mutation
  = | { op: 'drop' | 'replace', path: Path, value?: unknown }
    | { op: 'addKey', path: Path, key: string, value: unknown }
    | { op: 'tweakString', path: Path, piece: string, where: number }
    | { op: 'tweakNumber', path: Path, value: number }

function mutationOf(sample: unknown): fc.Arbitrary<Mutation> {
  const path = fc.constantFrom(...pathsOf(sample))
  return fc.oneof(
    fc.record({ op: fc.constant('drop' as const), path }),
    fc.record({ op: fc.constant('replace' as const), path, value: wrongValue }),
    fc.record({ op: fc.constant('addKey' as const), path, key: nastyKey, value: wrongValue }),
    // Edits at either end more often than inside: that is where trimming and stripping rules live.
    fc.record({
      op: fc.constant('tweakString' as const), path,
      piece: fc.oneof(denseString, fc.constantFrom(...NASTY_PIECES), nastyString),
      where: fc.oneof(fc.constant(0), fc.constant(-1), fc.nat())
    }),
    fc.record({ op: fc.constant('tweakNumber' as const), path, value: edgeNumber })
  )
}

// An own property, the way JSON.parse makes `__proto__` one, rather than an assignment that sets the prototype.
function setOwn(target: Record<string | number, unknown>, key: string | number, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

// The value sits in a box so the root itself can be replaced like any other node.
function applyMutation(box: { v: unknown }, m: Mutation) {
  // A copy, so two mutations never insert the same object (constantFrom hands out one instance): wire input
  // is a tree, never a graph or a cycle.
  if ('value' in m) m = { ...m, value: structuredClone(m.value) } as Mutation
  const path = ['v', ...m.path]
  const holder = path.slice(0, -1).reduce<any>((node, key) => node[key], box)
  const key = path.at(-1)!
  const current = holder[key]
  switch (m.op) {
    case 'drop':
      if (Array.isArray(holder)) holder.splice(Number(key), 1)
      else Reflect.deleteProperty(holder, key)
      break
    case 'replace':
      setOwn(holder, key, m.value)
      break
    case 'addKey':
      if (Array.isArray(current)) current.push(m.value)
      else if (current && typeof current === 'object') setOwn(current as Record<string, unknown>, m.key, m.value)
      else setOwn(holder, key, Object.defineProperty({}, m.key, { value: m.value, enumerable: true, writable: true, configurable: true }))
      break
    case 'tweakString': {
      const text = typeof current === 'string' ? current : JSON.stringify(current) ?? ''
      const at = m.where < 0 ? text.length : m.where % (text.length + 1)
      setOwn(holder, key, text.slice(0, at) + m.piece + text.slice(at))
      break
    }
    case 'tweakNumber':
      setOwn(holder, key, typeof current === 'number' ? current + m.value : m.value)
      break
  }
}

/**
 * The sample with one of its strings rewritten from a small alphabet of characters that interact (a leading
 * dot, a space after it, a mark after an invisible character), alone or around the original text: where
 * trimming, stripping and normalising rules disagree with each other. Undefined for a sample with no string.
 */
export function textEdits(sample: unknown): fc.Arbitrary<unknown> | undefined {
  const paths = pathsOf(sample).filter(path => typeof path.reduce<any>((node, key) => node[key], sample) === 'string')
  if (!paths.length) return undefined
  const interacting = fc.array(fc.constantFrom('.', ' ', 'e', '\u200B', '\u200D', '\u0301', '😀', '/'), { minLength: 1, maxLength: 5 })
    .map(pieces => pieces.join(''))
  return fc.tuple(fc.constantFrom(...paths), interacting, fc.constantFrom('alone', 'before', 'after', 'inside'), fc.nat())
    .map(([path, text, where, at]) => {
      const box = { v: structuredClone(sample) }
      const full = ['v', ...path]
      const holder = full.slice(0, -1).reduce<any>((node, key) => node[key], box)
      const key = full.at(-1)!
      const original: string = holder[key]
      const cut = at % (original.length + 1)
      const edited = { alone: text, before: text + original, after: original + text, inside: original.slice(0, cut) + text + original.slice(cut) }
      holder[key] = edited[where]
      return box.v
    })
}

/** One to three mutations of a valid sample: a dropped key, a wrong type, an extra key, a poisoned string or number. */
export function mutated(sample: unknown): fc.Arbitrary<unknown> {
  return fc.array(mutationOf(sample), { minLength: 1, maxLength: 3 }).map((mutations) => {
    const box = { v: structuredClone(sample) }
    for (const m of mutations) {
      // A later mutation may name a path an earlier one removed or turned into a string: it is skipped.
      try {
        applyMutation(box, m)
      } catch { /* path gone */ }
    }
    return box.v
  })
}
