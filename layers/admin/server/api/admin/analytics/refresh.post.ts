import { refreshAnalytics } from '#server/domain/analytics/refresh'

/** Refreshes the views now (admins only); 409 `conflict` while another refresh runs anywhere. */
export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { refreshedAt, refreshDurationMs } = await refreshAnalytics('manual')
  return { refreshedAt: refreshedAt.toISOString(), refreshDurationMs }
})
