import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Keeps `npm run bench` working: a few hundred subscribers through the real
 * workers, the sink and the exactly-once check (the bench exits non-zero when
 * any subscriber got no digest or two), and one round of the start-up
 * comparison (tsx against dist/). No timing is asserted here.
 */
/** `npm run bench` with these arguments: its exit code, its stderr, and the figures of its last line. */
async function bench(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  return { code, stderr, figures: code === 0 ? (JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>) : {} };
}

it('runs the benchmark end to end and prints its figures as the last line', async () => {
  const { code, stderr, figures } = await bench(['--subscribers', '100', '--no-api', '--startup-rounds', '1', '--late-news']);
  expect(code, stderr).toBe(0);
  const { startup, ...rest } = figures;
  expect(Object.keys(rest).sort()).toEqual(
    [
      'build_render_per_s',
      'build_render_late_news_per_s',
      'late_news_change',
      'late_news_cpu_ms_per_digest',
      'cpu_ms_per_digest',
      'digests_per_s',
      'dry_cpu_ms_per_digest',
      'dry_machine_ms_per_digest',
      'fanout_s',
      'machine_ms_per_digest',
      'peak_rss_mb',
      'queries_per_digest',
      'raw_composed_per_s',
      'raw_machine_ms_per_message',
      'raw_smtp_per_s',
      'smtp_ratio',
      'smtp_ratio_bound',
      'smtp_ratio_composed',
      'subscribers',
    ].sort(),
  );
  expect(rest.subscribers).toBe(100);
  for (const value of Object.values(rest)) expect(typeof value).toBe('number');
  const measures = ['serve_start_ms', 'worker_peak_rss_mb', 'worker_rss_mb', 'worker_start_ms'];
  const comparison = startup as Record<string, Record<string, unknown>>;
  for (const variant of ['tsx', 'tsx_cold', 'dist']) {
    expect(Object.keys(comparison[variant]!).sort(), variant).toEqual(measures);
    for (const value of Object.values(comparison[variant]!)) expect(value).toBeGreaterThan(0);
  }
  expect(Object.keys(comparison.ratios!).sort()).toEqual(['dist_vs_tsx', 'dist_vs_tsx_cold']);
}, 300_000);

it("loads the console's dashboard for a signed-in operator with --console-only, and reports it", async () => {
  // --tsx-workers: the API from the sources, sparing the suite a second build of dist/ (the first test builds one).
  const { code, stderr, figures } = await bench(['--subscribers', '100', '--console-only', '--api-seconds', '1', '--console-connections', '2', '--tsx-workers']);
  expect(code, stderr).toBe(0);
  const dashboard = figures.dashboard as { requestsPerSecond: number; non2xx: number; errors: number };
  expect(dashboard.requestsPerSecond).toBeGreaterThan(0);
  expect(dashboard.non2xx).toBe(0);
  expect(dashboard.errors).toBe(0);
}, 120_000);

it('sends every subscriber one digest though the SMTP server refuses 1 answer in 7, with --sends', async () => {
  const { code, stderr, figures } = await bench(['--sends', '--retry-subscribers', '120', '--rate', '200', '--rounds', '1']);
  // The bench exits non-zero when a run is not exactly once.
  expect(code, stderr).toBe(0);
  expect(figures).toMatchObject({ retry_subscribers: 120, tempfail_every: 7, baseline: null });
  expect(figures.tempfail_refused).toBeGreaterThanOrEqual(Math.floor(120 / 7));
  expect(typeof figures.tempfail_vs_clean).toBe('number');
}, 180_000);

it("compares a real run's per-digest work with another checkout's in one process, with --dry-path --sending", async () => {
  // This checkout against itself: the same emails, quoted-printable bodies and all, links aside.
  const { code, stderr, figures } = await bench(['--dry-path', '--baseline', root, '--sending', '--subscribers', '100', '--rounds', '2']);
  expect(code, stderr).toBe(0);
  expect(figures).toMatchObject({ subscribers: 100, rounds: 2, path: 'sending', same_emails: true });
  expect(figures.after_cpu_ms_per_digest).toBeGreaterThan(0);
}, 120_000);
