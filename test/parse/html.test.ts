import { describe, expect, it } from 'vitest';
import { htmlToPlainText, sanitizeHtml } from '../../src/core/html.ts';

describe('sanitizeHtml', () => {
  it.each([
    ['script removed with its content', '<p>a<script>alert(1)</script>b</p>', '<p>ab</p>'],
    ['event handler removed', '<p onclick="x()">t</p>', '<p>t</p>'],
    ['javascript: href removed', '<a href="javascript:alert(1)">t</a>', '<a rel="nofollow noopener">t</a>'],
    [
      'obfuscated javascript: removed',
      '<a href="java&#x09;script:alert(1)">t</a>',
      '<a rel="nofollow noopener">t</a>',
    ],
    ['data: image removed', '<img src="data:image/png;base64,AAAA">', ''],
    ['vbscript removed', '<a href="vbscript:x">t</a>', '<a rel="nofollow noopener">t</a>'],
    [
      'relative link made absolute',
      '<a href="/news/1">t</a>',
      '<a href="https://24.kg/news/1" rel="nofollow noopener">t</a>',
    ],
    [
      'relative image made absolute',
      '<img src="i.jpg" alt="a">',
      '<img src="https://24.kg/base/i.jpg" alt="a" />',
    ],
    [
      'iframe, form, textarea, svg, math, xmp dropped',
      '<iframe src="x"></iframe><form><input></form><textarea>t</textarea><svg><a>s</a></svg><math>m</math><xmp>x</xmp>ok',
      'ok',
    ],
    ['style attribute and tag dropped', '<p style="x">a</p><style>p{}</style>', '<p>a</p>'],
    [
      'existing rel replaced',
      '<a href="https://a.kg/" rel="me">t</a>',
      '<a href="https://a.kg/" rel="nofollow noopener">t</a>',
    ],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeHtml(input, 'https://24.kg/base/')).toBe(expected);
  });
});

describe('htmlToPlainText', () => {
  it.each([
    ['tags removed, whitespace collapsed', '<p>Hello\n\n  <b>world</b></p><p>again</p>', 'Hello world again'],
    ['entities decoded', 'AT&amp;T &laquo;x&raquo;&nbsp;&#8212; y', 'AT&T «x» — y'],
    ['script text dropped', 'a<script>alert(1)</script>b', 'ab'],
    ['link text kept, href dropped', '<a href="https://x.kg">text</a>', 'text'],
    ['plain text untouched', '  plain   text ', 'plain text'],
    ['Cyrillic', '<p>Торговля&nbsp;людьми</p>', 'Торговля людьми'],
  ])('%s', (_name, input, expected) => {
    expect(htmlToPlainText(input)).toBe(expected);
  });
});
