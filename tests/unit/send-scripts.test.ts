import { describe, expect, it } from 'vitest'
import { BATCH_SQL } from '../../server/domain/messages/send-batch'
import { batchScript, minimalScript } from '../../load/lib/send-scripts'

// pgbench reads `:name` anywhere in a command as a variable (string literals and comments included) and aborts the
// client on one it does not know; `::` casts are not variables.
const variablesOf = (script: string) => new Set([...script.matchAll(/(?<![:\w]):([A-Za-z_]\w*)/g)].map(m => m[1]))

describe('bench:statement scripts', () => {
  it('run the app\'s own send statement, its json parameter built in SQL, with no variable pgbench would not know', () => {
    const script = batchScript(50)
    expect(script).toContain('\\set k random(1, 50)')
    expect(script).not.toContain('$1')
    // Everything of the statement but its parameter is the app's text, unchanged.
    const [before, after] = BATCH_SQL.split('$1::jsonb')
    expect(script).toContain(before!.trim().slice(0, 200))
    expect(script).toContain(after!.replace(/'message:new'/g, `'message' || chr(58) || 'new'`).trim())
    expect(variablesOf(script)).toEqual(new Set(['k', 'cid', 'client_id']))
  })

  it('refuses a statement whose parameters changed, rather than benchmarking something else', () => {
    expect(() => batchScript(50, 'SELECT $1::jsonb, $2::int')).toThrow(/one jsonb parameter/)
    expect(() => batchScript(50, 'SELECT $1::json')).toThrow(/one jsonb parameter/)
  })

  it('the minimal transaction takes the seq it just bumped', () => {
    const script = minimalScript(8)
    expect(script).toMatch(/RETURNING last_seq \\gset/)
    expect(variablesOf(script)).toEqual(new Set(['k', 'cid', 'client_id', 'last_seq']))
  })
})
