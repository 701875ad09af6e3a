import { BATCH_SQL } from '../../server/domain/messages/send-batch'

/**
 * The two pgbench scripts of `npm run bench:statement` (load/statement-bench.ts), over the tables it makes:
 * public.bench_send_pairs (k → a conversation and its one sender) and the bare bench_min_* tables.
 */

/**
 * The app's statement as a pgbench script: its one parameter (the batch as json) is built in SQL from a random
 * (conversation, sender) pair with a fresh client id, so every transaction inserts one new message. pgbench
 * would take `:new` inside 'message:new' for a variable, so that literal is spelled without the colon.
 */
export function batchScript(conversations: number, statement = BATCH_SQL) {
  if (!statement.includes('$1::jsonb') || /\$[2-9]/.test(statement)) throw new Error('BATCH_SQL no longer takes one jsonb parameter: update the bench')
  const input = `(SELECT jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'conversation_id', p.conversation_id,
    'sender_id', p.sender_id, 'client_id', 'pgb-' || :client_id || '-' || :cid, 'content', 'hello from pgbench, a typical short chat message of about 60 bytes',
    'reply_to_id', null, 'mentions', '[]'::jsonb)) FROM public.bench_send_pairs p WHERE p.k = :k)`
  const text = statement.replace('$1::jsonb', input).replace(/'message:new'/g, `'message' || chr(58) || 'new'`)
  return `\\set k random(1, ${conversations})\n\\set cid random(1, 9000000000000000000)\n${text.trim()};\n`
}

/** The minimal durable transaction per message, on tables of this bench's own (no events, no checks, two indexes). */
export function minimalScript(conversations: number) {
  return `\\set k random(1, ${conversations})
\\set cid random(1, 9000000000000000000)
BEGIN;
UPDATE public.bench_min_conversations SET last_seq = last_seq + 1 WHERE id = :k RETURNING last_seq \\gset
INSERT INTO public.bench_min_messages (conversation_id, seq, client_id, sender_id, content)
  VALUES (:k, :last_seq, 'pgb-' || :client_id || '-' || :cid, :client_id, 'hello from pgbench, a typical short chat message of about 60 bytes')
  ON CONFLICT (conversation_id, client_id) DO NOTHING;
END;
`
}
