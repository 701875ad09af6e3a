/**
 * Unread mentions across everything this user can see: per conversation where a project's list is loaded
 * (those counters follow live events), else the project's total from GET /api/projects.
 */
export function useUnreadMentions() {
  const projects = useProjectsStore()
  const conversations = useConversationsStore()
  return computed(() => {
    const ids = new Set([...projects.projects.map(p => p.id), ...Object.values(conversations.byId).map(c => c.projectId)])
    let total = 0
    for (const id of ids) {
      total += conversations.loadedProjects[id]
        ? conversations.listFor(id).reduce((sum, c) => sum + c.mentionCount, 0)
        : projects.byId(id)?.mentionCount ?? 0
    }
    return total
  })
}
