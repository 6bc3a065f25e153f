// The fill language: escaping by default, sections, inverted sections, outward name lookup, unbalanced tags.
import { describe, expect, it } from 'vitest';
import { compileFill } from '../../src/digest/fill.ts';

describe('compileFill', () => {
  it.each([
    [
      'escapes values',
      '<p>{{t}}</p>',
      { t: '<script>alert("x")</script> & \'q\'' },
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</p>',
    ],
    [
      'escapes attribute values',
      '<a href="{{u}}">',
      { u: 'https://x/?a=1&b="2"' },
      '<a href="https://x/?a=1&amp;b=&quot;2&quot;">',
    ],
    ['dotted paths', '{{a.b}}', { a: { b: 'Ж' } }, 'Ж'],
    ['missing value is empty', '[{{nope}}]', {}, '[]'],
    ['lists repeat', '{{#xs}}<{{v}}>{{/xs}}', { xs: [{ v: 1 }, { v: '<2>' }] }, '<1><&lt;2&gt;>'],
    [
      'outer names inside a list',
      '{{#xs}}{{label}}{{v}};{{/xs}}',
      { label: '#', xs: [{ v: 1 }, { v: 2 }] },
      '#1;#2;',
    ],
    ['truthy object section', '{{#more}}{{url}}{{/more}}', { more: { url: 'u' } }, 'u'],
    ['falsy section skipped', '{{#more}}x{{/more}}', { more: undefined }, ''],
    ['inverted on empty list', '{{#xs}}a{{/xs}}{{^xs}}none{{/xs}}', { xs: [] }, 'none'],
    ['inverted on non-empty list', '{{^xs}}none{{/xs}}', { xs: [1] }, ''],
    ['no triple-brace raw form', '{{{x}}}', { x: '<b>' }, '{&lt;b&gt;}'],
  ])('%s', (_name, template, data, expected) => expect(compileFill(template)(data)).toBe(expected));

  it.each([
    ['unclosed', '{{#a}}x'],
    ['mismatched', '{{#a}}x{{/b}}'],
    ['close without open', 'x{{/a}}'],
  ])('refuses %s sections', (_name, template) =>
    expect(() => compileFill(template, 't.mjml')).toThrow(/template t.mjml/),
  );
});
