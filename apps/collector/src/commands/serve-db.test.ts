// `causelane serve` storage options as a user meets them: a PostgreSQL that cannot be reached and a
// bad --retain-days are clear one-line errors (exit 2), never a hang or a stack trace.
import { expect, it } from 'vitest';
import { freePort } from '../testing/collector-process.ts';
import { runCli } from '../testing/run-cli.ts';

it('exits with a clear error when the PostgreSQL in --db or CAUSELANE_DB cannot be reached', async () => {
  const url = `postgres://causelane:hunter2@127.0.0.1:${await freePort()}/causelane`;
  for (const res of [
    await runCli(['serve', '--port', '0', '--db', url]),
    await runCli(['serve', '--port', '0'], { env: { CAUSELANE_DB: url } }),
  ]) {
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/causelane serve: cannot open the PostgreSQL store: .*ECONNREFUSED/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stderr).not.toContain('hunter2');
  }
}, 30_000);

it('refuses a --retain-days that is not a positive number of days', async () => {
  const res = await runCli(['serve', '--port', '0', '--retain-days', '0']);
  expect(res.code).toBe(2);
  expect(res.stderr).toContain('--retain-days: expected a number of days greater than 0, got 0');
});
