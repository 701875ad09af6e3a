// @ts-check
import withNuxt from './.nuxt/eslint.config.mjs'

export default withNuxt(
  { ignores: ['drizzle/**', '.data/**', 'bench-results/**'] },
  {
    rules: {
      'vue/multi-word-component-names': 'off',
      '@typescript-eslint/no-explicit-any': 'error'
    }
  },
  {
    // Tests assert on untyped JSON response bodies.
    files: ['tests/**', 'load/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  }
)
