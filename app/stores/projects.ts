import { defineStore } from 'pinia'
import type { Project } from '#shared/types'

export const useProjectsStore = defineStore('projects', () => {
  const chat = useChatApi()
  const projects = ref<Project[]>([])
  const loaded = ref(false)

  async function load() {
    projects.value = (await chat.listProjects()).projects
    loaded.value = true
    return projects.value
  }

  /** Read back from the cache (history-replica.ts): shown until load() answers. */
  function restore(list: Project[]) {
    projects.value = list
  }

  const byId = (id: string) => projects.value.find(p => p.id === id)

  function reset() {
    projects.value = []
    loaded.value = false
  }

  return { projects, loaded, load, restore, byId, reset }
})
