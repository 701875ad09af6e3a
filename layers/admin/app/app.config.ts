// Nuxt UI's palette for the admin pages: blue and slate sit closest to the member app's accent and greys.
export default defineAppConfig({
  ui: {
    colors: { primary: 'blue', neutral: 'slate' }
  }
})
