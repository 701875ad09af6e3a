/** Unread mentions in the tab title and on the favicon, kept up to date as the counters change. */
export default defineNuxtPlugin(() => {
  const mentions = useUnreadMentions()
  useHead({ titleTemplate: computed(() => mentionTitleTemplate(mentions.value)) })

  const canvas = document.createElement('canvas')
  watch(mentions, (count) => {
    let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]')
    if (!link) {
      link = document.createElement('link')
      link.rel = 'icon'
      document.head.appendChild(link)
    }
    link.type = 'image/png'
    link.href = drawFavicon(canvas, count)
    link.dataset.mentions = String(count)
  }, { immediate: true })
})
