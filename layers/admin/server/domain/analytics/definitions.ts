/** How each metric is computed, for the dashboard's definitions panel; the long form is docs/analytics.md. */
export const DEFINITIONS = {
  messages: 'Messages sent in the range (UTC days), deleted messages and system notices left out; bot messages count.',
  activeConversations: 'Conversations with at least one counted message in the range.',
  activeUsers: 'Distinct people who sent at least one counted message in the range (bots left out).',
  thread: 'A client message starts a thread when the conversation was quiet for the first-response gap, or when it is the conversation\'s first message; client messages while a thread waits for its reply belong to it.',
  firstResponse: 'Time from a thread\'s first client message to the first reply by a staff member or owner of the project; bots, system notices, deleted messages and non-members do not answer. Threads are dated by their first message.',
  medianFirstResponse: 'Median (percentile_cont 0.5) of first-response times of the answered threads started in the range.',
  p90FirstResponse: '90th percentile (percentile_cont 0.9, interpolated) of the same times.',
  unansweredThreads: 'Threads started in the range with no reply yet that have waited longer than unansweredAfterHours.',
  previous: 'The same numbers for the period of equal length just before the range.',
  freshness: 'Read from materialized views, refreshed every ANALYTICS_REFRESH_SECONDS; refreshedAt says when.'
} as const
