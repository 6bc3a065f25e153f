// When a subscriber's digest comes, as named table cases: the zone an automatic choice gives (the first chosen
// country's, else the browser's languages, else digest.timeZone), the checks of day and hour that the web form and
// the CLI share, what the preferences page keeps and recomputes, and the send time the digest job uses.
import { describe, expect, it } from 'vitest';
import { isValidTimeZone } from '../../src/core/intl.ts';
import { zoneOfCountry, zoneOfLanguages } from '../../src/core/zones.ts';
import { checkChoices, deliveryOf, invalidChoice, maskEmail } from '../../src/jobs/subscribers.ts';
import { testConfig } from '../digest/helpers.ts';

const config = testConfig({ digest: { timeZone: 'UTC', schedule: '30 7 * * 1' } });

describe('zone guesses', () => {
  it.each([
    ['a region subtag', 'ru-KG,ru;q=0.9', 'Asia/Bishkek'],
    ['a one-country language', 'ky', 'Asia/Bishkek'],
    ['Uzbek in Cyrillic script', 'uz-Cyrl', 'Asia/Tashkent'],
    ['Russian alone names no country', 'ru', undefined],
    ['English alone names no country', 'en', undefined],
    ['the preferred tag first', 'en;q=0.5, kk;q=0.9', 'Asia/Almaty'],
    ['the first tag that names a country', 'en, en-GB;q=0.8', 'Europe/London'],
    ['a country the table does not know', 'es-MX', undefined],
    ['nothing', '', undefined],
    ['a wildcard', '*', undefined],
  ])('Accept-Language: %s', (_name, header, zone) => expect(zoneOfLanguages(header)).toBe(zone));

  it('every zone of the table is one the platform knows', () => {
    for (const code of [
      'kg',
      'kz',
      'tj',
      'tm',
      'uz',
      'ru',
      'tr',
      'ae',
      'kr',
      'af',
      'cn',
      'pl',
      'de',
      'gb',
      'us',
      'ua',
    ])
      expect(isValidTimeZone(zoneOfCountry(code) ?? ''), code).toBe(true);
  });
});

describe('checkChoices: zone, day, hour', () => {
  it.each([
    ['a new subscriber gets the first chosen country’s zone', { countries: ['kg', 'uz'] }, 'Asia/Bishkek'],
    ['…else the browser’s', { timeZone: '', browserLanguages: 'kk-KZ' }, 'Asia/Almaty'],
    [
      '…and countries come before the browser',
      { countries: ['tj'], browserLanguages: 'ru-KG' },
      'Asia/Dushanbe',
    ],
    ['…else digest.timeZone', { browserLanguages: 'en-US,en' }, 'America/New_York'],
    ['…else digest.timeZone, really', {}, 'UTC'],
    ['"auto" means automatic', { timeZone: 'auto', countries: ['tm'] }, 'Asia/Ashgabat'],
    ['a zone given wins', { timeZone: 'Europe/Berlin', countries: ['kg'] }, 'Europe/Berlin'],
  ])('%s', (_name, input, zone) => expect(checkChoices(config, input).timeZone).toBe(zone));

  it('the preferences keep the zone unless it is set to automatic', () => {
    const current = checkChoices(config, { timeZone: 'Europe/Berlin' });
    expect(checkChoices(config, { countries: ['kg'] }, current).timeZone).toBe('Europe/Berlin');
    expect(checkChoices(config, { countries: ['kg'], timeZone: 'auto' }, current).timeZone).toBe(
      'Asia/Bishkek',
    );
  });

  it.each([
    ['a day number', { sendDay: '5' }, { sendDay: 5 }],
    ['a day name', { sendDay: 'Sunday' }, { sendDay: 7 }],
    ['a day abbreviation', { sendDay: 'tue' }, { sendDay: 2 }],
    ['an hour', { sendHour: '18' }, { sendHour: 18 }],
    ['an hour as a time', { sendHour: '07:00' }, { sendHour: 7 }],
    ['midnight', { sendHour: '0' }, { sendHour: 0 }],
  ])('takes %s', (_name, input, expected) => expect(checkChoices(config, input)).toMatchObject(expected));

  it('an empty day or hour keeps digest.schedule’s', () => {
    const choices = checkChoices(config, { sendDay: '', sendHour: '' });
    expect([choices.sendDay, choices.sendHour]).toEqual([undefined, undefined]);
  });

  it.each([
    ['day 0', { sendDay: '0' }, 'sendDay'],
    ['day 8', { sendDay: '8' }, 'sendDay'],
    ['a day too short to tell', { sendDay: 't' }, 'sendDay'],
    ['hour 24', { sendHour: '24' }, 'sendHour'],
    ['a half hour', { sendHour: '7:30' }, 'sendHour'],
    ['words', { sendHour: 'seven' }, 'sendHour'],
  ])('refuses %s, naming the field', (_name, input, field) => {
    let caught: unknown;
    try {
      checkChoices(config, input);
    } catch (err) {
      caught = err;
    }
    expect(invalidChoice(caught)?.field).toBe(field);
  });
});

describe('deliveryOf', () => {
  const base = {
    timeZone: 'Asia/Bishkek',
    frequency: 'weekly' as const,
    sendDay: undefined,
    sendHour: undefined,
  };
  it.each([
    [
      'digest.schedule when nothing was chosen',
      base,
      config,
      { weekday: 1, hour: 7, minute: 30, timeZone: 'Asia/Bishkek' },
    ],
    [
      'the chosen day and hour, on the hour',
      { ...base, sendDay: 5, sendHour: 18 },
      config,
      { weekday: 5, hour: 18, minute: 0 },
    ],
    [
      'digest.timeZone for everyone when zones are not per subscriber',
      { ...base, sendHour: 9 },
      testConfig({ digest: { timeZone: 'Asia/Almaty', perSubscriberTimeZone: false } }),
      { hour: 9, timeZone: 'Asia/Almaty' },
    ],
  ])('%s', (_name, subscriber, cfg, expected) => expect(deliveryOf(subscriber, cfg)).toMatchObject(expected));
});

describe('maskEmail', () => {
  it.each([
    ['anna@example.org', 'a***@example.org'],
    ['a@example.org', 'a***@example.org'],
    ['Айгуль@пример.рф', 'А***@пример.рф'],
    ['not-an-address', '***'],
  ])('%s → %s', (email, masked) => expect(maskEmail(email)).toBe(masked));
});
