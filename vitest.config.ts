import { defineConfig } from 'vitest/config';

// Tests start real servers (HTTP, SMTP, PostgreSQL when TIPWIRE_TEST_DATABASE_URL is set) on 127.0.0.1.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
