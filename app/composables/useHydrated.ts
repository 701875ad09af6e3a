/**
 * False during SSR and until this component mounts in the browser. Inputs bound to it stay disabled
 * until Vue owns them, so neither a fast user nor a test types into markup that hydration then resets.
 */
export function useHydrated() {
  const hydrated = ref(false)
  onMounted(() => {
    hydrated.value = true
  })
  return hydrated
}
