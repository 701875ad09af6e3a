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

  const byId = (id: string) => projects.value.find(p => p.id === id)

  function reset() {
    projects.value = []
    loaded.value = false
  }

  return { projects, loaded, load, byId, reset }
})
