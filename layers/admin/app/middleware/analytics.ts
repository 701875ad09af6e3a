// The dashboard's guard: global admins and analysts (contract §1: analysts read aggregates only). Everyone else
// goes home. The analytics APIs check the same roles server-side.
export default defineNuxtRouteMiddleware(async () => {
  const user = await useAuthStore().ensureUser()
  if (user?.role !== 'admin' && user?.role !== 'analyst') return navigateTo('/', { replace: true })
})
