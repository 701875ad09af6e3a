import type { Sql } from 'postgres'

/** The shape of the generated history; every id is derived from a number, so no lookup table is needed. */
export interface AnalyticsSeedPlan {
  rows: number
  projects: string[]
  conversations: number
  staffPerProject: number
  clientsPerProject: number
  days: number
  chunk: number
}

// Kinds by conversation number: mostly support, then dm, group, project and a few announcement channels.
const KINDS = ['support', 'support', 'support', 'support', 'dm', 'dm', 'group', 'group', 'project', 'announcement']
// Ids are md5 of a label: the same expression in every statement, so messages find their conversation and sender.
const userId = (n: string) => `md5('sb-bench-user-' || (${n}))::uuid`
const conversationId = (n: string) => `md5('sb-bench-conv-' || (${n}))::uuid`
// Project ids come from the app's own API (uuids), so they are safe to inline.
const uuidArray = (ids: string[]) => `array[${ids.map(id => `'${id.replace(/[^0-9a-f-]/gi, '')}'`).join(',')}]::uuid[]`

/** Users, memberships, conversations and participants: staff (the first one owner) and clients per project. */
export async function seedPeople(sql: Sql, plan: AnalyticsSeedPlan, log: (line: string) => void) {
  const { staffPerProject: staff, clientsPerProject: clients, conversations } = plan
  const perProject = staff + clients
  const projectIds = uuidArray(plan.projects)
  const p = plan.projects.length
  await sql.unsafe(`
    insert into switchboard.users (id, email, handle, display_name)
    select ${userId('u')}, 'bench-u' || u || '@bench.test', 'bench-u' || u, 'Bench user ' || u
    from generate_series(0, ${p * perProject - 1}) u`)
  await sql.unsafe(`
    insert into switchboard.project_members (project_id, user_id, role)
    select (${projectIds})[u / ${perProject} + 1], ${userId('u')},
      (case when u % ${perProject} = 0 then 'owner' when u % ${perProject} < ${staff} then 'staff' else 'client' end)::switchboard.project_role
    from generate_series(0, ${p * perProject - 1}) u`)
  // Conversation n: project n % P, its client (n / P) % clients of that project, and two staff members.
  await sql.unsafe(`
    insert into switchboard.conversations (id, project_id, title, kind, created_at)
    select ${conversationId('n')}, (${projectIds})[n % ${p} + 1], 'Bench conversation ' || n,
      (array[${KINDS.map(k => `'${k}'`).join(',')}])[(n / ${p}) % ${KINDS.length} + 1]::switchboard.conversation_kind,
      now() - interval '${plan.days + 1} days'
    from generate_series(0, ${conversations - 1}) n`)
  await sql.unsafe(`
    insert into switchboard.conversation_members (conversation_id, user_id, role, joined_at)
    select ${conversationId('n')}, ${userId(`(n % ${p}) * ${perProject} + m.offs`)}, 'member', now() - interval '${plan.days + 1} days'
    from generate_series(0, ${conversations - 1}) n
    cross join lateral (values (${staff} + (n / ${p}) % ${clients}), (n % ${staff}), ((n + 1) % ${staff})) m(offs)
    on conflict do nothing`)
  log(`${p * perProject} users, ${conversations} conversations in ${p} projects`)
}

/**
 * Messages s = lo…hi in one INSERT … SELECT. Message s belongs to conversation (s - 1) % C with seq (s - 1) / C + 1,
 * so seq is dense per conversation whatever the chunking. Seqs come in exchanges of four: a client question, a
 * follow-up 3 minutes later, a staff reply after a skewed delay (1 minute to 10 hours, median ~40 minutes) and
 * the client's thanks 10 minutes later; exchanges are spread evenly over `days`, so the quiet time before each
 * question exceeds the 4 h first-response gap. Announcement channels are staff only. Every 10th reply is a bot's
 * (the thread stays open), every 50th thanks a system notice, every 100th message deleted.
 */
export async function insertMessages(sql: Sql, plan: AnalyticsSeedPlan, lo: number, hi: number) {
  const { conversations: c, staffPerProject: staff, clientsPerProject: clients } = plan
  const p = plan.projects.length
  const perProject = staff + clients
  const exchanges = Math.max(1, Math.ceil(Math.ceil(plan.rows / c) / 4))
  // The last day is left for the conversation's offset (up to 10 h) and the last reply, so nothing is in the future.
  const spacingSeconds = Math.floor((plan.days - 1) * 86_400 / exchanges)
  await sql.unsafe(`
    insert into switchboard.messages (id, conversation_id, seq, sender_id, client_id, type, content, metadata, created_at, deleted_at)
    select gen_random_uuid(), ${conversationId('x.n')}, x.seq,
      ${userId(`x.project * ${perProject} + case when x.staff_turn then (x.n + x.k % 2) % ${staff} else ${staff} + (x.n / ${p}) % ${clients} end`)},
      'bench-' || x.s, (case when x.pos = 3 and x.k % 50 = 7 then 'system' else 'text' end)::switchboard.message_type,
      'bench message ' || x.s || ' lorem ipsum dolor sit amet, consectetur adipiscing',
      case when x.pos = 2 and x.k % 10 = 3 then '{"bot": true}'::jsonb else '{}'::jsonb end,
      x.at, case when x.s % 100 = 0 then x.at + interval '1 minute' end
    from (
      select s, n, seq, k, pos, n % ${p} as project,
        (pos = 2 or (n / ${p}) % ${KINDS.length} = ${KINDS.indexOf('announcement')}) as staff_turn,
        now() - interval '${plan.days} days' + make_interval(secs => k * ${spacingSeconds} + (n % 600) * 60
          + case pos when 0 then 0 when 1 then 180 else 180 + delay + case when pos = 3 then 600 else 0 end end) as at
      from (
        select s, (s - 1) % ${c} as n, ((s - 1) / ${c} + 1)::int as seq, ((s - 1) / ${c}) / 4 as k, ((s - 1) / ${c}) % 4 as pos,
          60 + floor(36000 * power(((s::bigint * 2654435761) % 10007) / 10007.0, 4))::int as delay
        from generate_series(${lo}::bigint, ${hi}::bigint) s
      ) g
    ) x`)
}

/**
 * Runs `insert(lo, hi)` over messages 1…rows, `chunk` at a time (one statement each), with a progress line per chunk;
 * returns the seconds of the whole run and of each chunk. Commits are not waited for: a lost seed is regenerated.
 */
export async function insertInChunks(sql: Sql, rows: number, chunk: number, insert: (lo: number, hi: number) => Promise<void>, log: (line: string) => void) {
  const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10
  await sql`set synchronous_commit = off`
  const started = performance.now()
  const chunkSeconds: number[] = []
  for (let lo = 1; lo <= rows; lo += chunk) {
    const hi = Math.min(rows, lo + chunk - 1)
    const t = performance.now()
    await insert(lo, hi)
    chunkSeconds.push(seconds(t))
    log(`  messages ${lo}…${hi} in ${seconds(t)} s (total ${seconds(started)} s)`)
  }
  return { seconds: seconds(started), chunkSeconds }
}

/** Moves each conversation's head to its last message, as sends would have. */
export async function finishConversations(sql: Sql) {
  await sql`
    update switchboard.conversations c set last_seq = m.last_seq, last_message_at = m.last_at
    from (select conversation_id, max(seq) as last_seq, max(created_at) as last_at from switchboard.messages group by conversation_id) m
    where m.conversation_id = c.id`
}
