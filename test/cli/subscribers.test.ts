// The subscriber commands through main(argv, io), against a real config folder and SQLite file: the same rules as
// the web form (jobs/subscribers.ts), so unknown countries, languages and topics are refused with what exists.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config.ts';

const dir = writeTestConfig([{ id: 'kg-news', url: 'http://127.0.0.1:9/feed.xml', country: 'kg' }]);

describe('tipwire subscribers', () => {
  it.each([
    ['country', ['--country', 'XX'], /countries: unknown "xx"; choose from .*kg \(Kyrgyzstan\)/],
    ['language', ['--language', 'zz'], /languages: unknown "zz"; choose from .*ru \(Русский\)/],
    ['topic', ['--topic', 'nope'], /topics: unknown "nope"; choose from .*trafficking/],
    ['locale', ['--locale', 'de'], /locale "de" must be one of en, ru/],
    ['time zone', ['--time-zone', 'Mars/Olympus'], /not an IANA time zone/],
    ['day', ['--day', 'Funday'], /sendDay "Funday" must be a weekday: 1 \(Monday\) … 7 \(Sunday\)/],
    ['hour', ['--hour', '24'], /sendHour "24" must be an hour of the day, 0 … 23/],
  ])('add refuses an unknown %s and lists what exists (exit 2)', async (_name, flags, message) => {
    const result = await runCli(['--config', dir, 'subscribers', 'add', 'a@example.org', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    const list = await runCli(['--config', dir, 'subscribers', 'list']);
    expect(list.stdout).toContain('0 subscriber(s)');
  });

  it('add takes known choices; --pending sends one confirmation mail through the configured mailer', async () => {
    const ok = await runCli([
      '--config',
      dir,
      'subscribers',
      'add',
      'b@example.org',
      '--country',
      'KG',
      '--topic',
      'trafficking',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('added b@example.org');
    const pending = await runCli(['--config', dir, 'subscribers', 'add', 'c@example.org', '--pending']);
    expect(pending.code).toBe(0);
    expect(pending.stdout).toContain('confirm mail sent (file outbox');
    expect(readdirSync(join(dir, 'outbox')).filter((f) => f.startsWith('confirm-'))).toHaveLength(1);
  });

  it('add without a zone takes the first country’s (kg → Asia/Bishkek); --day and --hour set the send time; set changes them, checked alike', async () => {
    const added = await runCli([
      '--config',
      dir,
      'subscribers',
      'add',
      'zone@example.org',
      '--country',
      'kg',
      '--day',
      'friday',
      '--hour',
      '18',
    ]);
    expect(added.code).toBe(0);
    const list = await runCli(['--config', dir, 'subscribers', 'list']);
    expect(list.stdout).toMatch(/zone@example\.org +│? *active +│? *en +│? *Asia\/Bishkek +│? *Fri 18:00/);

    const bad = await runCli(['--config', dir, 'subscribers', 'set', 'zone@example.org', '--hour', '7pm']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/sendHour "7pm" must be an hour of the day/);
    const set = await runCli([
      '--config',
      dir,
      'subscribers',
      'set',
      'zone@example.org',
      '--time-zone',
      'Asia/Tashkent',
      '--day',
      '2',
      '--hour',
      '06:00',
      '--all-countries',
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(
      'changed zone@example.org: weekly, Tue 06:00 Asia/Tashkent; topics all, countries all',
    );
    const missing = await runCli([
      '--config',
      dir,
      'subscribers',
      'set',
      'nobody@example.org',
      '--hour',
      '6',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not found: nobody@example.org');
  });

  it('import reports bad rows by line with the same messages, and imports the rest', async () => {
    const csv = join(dir, 'list.csv');
    writeFileSync(
      csv,
      'email,countries,languages\nd@example.org,kg,ru\ne@example.org,xx,\nnot-an-address,,\n',
    );
    const result = await runCli(['--config', dir, 'subscribers', 'import', csv]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('1 added, 0 already present, 2 refused');
    expect(result.stderr).toMatch(/list\.csv:3: countries: unknown "xx"/);
    expect(result.stderr).toMatch(/list\.csv:4: email "not-an-address" is not one plain address/);
  });
});
