import { defineConfig, devices } from '@playwright/test'

// Browser tests against the built app (`npx nuxt build`, or $SB_BUILD_DIR/.output), booted once in
// embedded PGlite mode by tests/e2e/global-setup.ts. Chromium comes from Debian: never `playwright install`.
const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync']
}
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: devices['Pixel 7'].userAgent }
// Not here: specs about the sidebar beside an open conversation (realtime.spec.ts), and the hover toolbar.
const PHONE_SPECS = ['**/phone.spec.ts', '**/unread-divider.spec.ts', '**/accessibility.spec.ts', '**/message-list.spec.ts', '**/outbox-states.spec.ts', '**/attention.spec.ts', '**/project-list.spec.ts', '**/composer.spec.ts', '**/attachments.spec.ts', '**/security-headers.spec.ts']

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  forbidOnly: !!process.env.CI,
  // A journey's budget, not a speed check: the admin journeys took 20–33 s on a slow day of this 2-core machine
  // with two workers, against 30 s here before; a hang still fails, at one minute.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  outputDir: 'test-results',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 20_000
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: '**/phone.spec.ts',
      use: { ...devices['Desktop Chrome'], launchOptions: CHROMIUM }
    },
    {
      // The same journeys on a phone (390×844, touch): the specs written for both sizes run here again.
      name: 'phone',
      testMatch: PHONE_SPECS,
      use: { ...devices['Desktop Chrome'], ...PHONE, launchOptions: CHROMIUM }
    }
  ]
})
