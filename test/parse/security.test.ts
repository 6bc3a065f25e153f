// Hostile input: entity expansion, external entities, script. Each case must be refused or inert (and fast: see
// bench/limits.bench.ts).
import { describe, expect, it } from 'vitest';
import { TipwireError } from '../../src/core/errors.ts';
import { parseFeed } from '../../src/parse/index.ts';

const ctx = { url: 'https://hostile.tipwire.test/feed', fetchedAt: '2026-03-05T10:00:00.000Z' };

async function refusal(text: string): Promise<TipwireError> {
  const err: unknown = await parseFeed(text, ctx).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TipwireError);
  return err as TipwireError;
}

function laughs(levels: number, entityName = 'lol'): string {
  const decls = [`<!ENTITY ${entityName}0 "lol">`];
  for (let i = 1; i <= levels; i += 1)
    decls.push(`<!ENTITY ${entityName}${i} "${`&${entityName}${i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?><!DOCTYPE rss [${decls.join('')}]><rss version="2.0"><channel><title>&${entityName}${levels};</title><item><title>&${entityName}${levels};</title></item></channel></rss>`;
}

describe('entity expansion and external entities', () => {
  // How fast: bench/limits.bench.ts (a refusal costs a fraction of parsing a normal feed).
  it('refuses billion laughs without expanding it', async () => {
    const err = await refusal(laughs(9));
    expect(err.code).toBe('PARSE_UNSAFE');
    expect(err.message.length).toBeLessThan(500);
  });

  it('refuses a quadratic blow-up (one big entity referenced many times)', async () => {
    const big = 'x'.repeat(50_000);
    const text = `<!DOCTYPE rss [<!ENTITY a "${big}">]><rss version="2.0"><channel><title>t</title><item><title>${'&a;'.repeat(100)}</title></item></channel></rss>`;
    const err = await refusal(text);
    expect(err.code).toBe('PARSE_UNSAFE');
  });

  it.each([
    ['SYSTEM file', '<!ENTITY xxe SYSTEM "file:///etc/passwd">'],
    ['PUBLIC http', '<!ENTITY xxe PUBLIC "-//x//EN" "http://127.0.0.1:1/evil.dtd">'],
    ['parameter entity', '<!ENTITY % xxe SYSTEM "file:///etc/passwd"> %xxe;'],
  ])('refuses an external entity (%s) and never reads the file', async (_name, decl) => {
    const text = `<?xml version="1.0"?><!DOCTYPE rss [ ${decl} ]><rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title><description>&xxe;</description></item></channel></rss>`;
    const err = await refusal(text);
    expect(err.code).toBe('PARSE_UNSAFE');
    expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain('root:');
  });

  it('keeps an entity reference inert when the DOCTYPE is hidden after junk (the lenient path never expands it)', async () => {
    const text = `junk before <!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>x</title><item><title>a &xxe; b</title></item></channel></rss>`;
    const result = await parseFeed(text, ctx).catch((e: unknown) => e);
    if (result instanceof TipwireError) {
      expect(['PARSE_UNSAFE', 'PARSE_INVALID']).toContain(result.code);
    } else {
      expect(JSON.stringify(result)).not.toContain('root:');
    }
  });
});

describe('script in feed fields', () => {
  it('makes titles plain text and strips script, handlers and javascript: URLs from content', async () => {
    const text = `<rss version="2.0"><channel><title>&lt;script&gt;alert(1)&lt;/script&gt;News</title><item>
<title><![CDATA[<img src=x onerror=alert(1)>Trafficking <script>alert(2)</script>case]]></title>
<link>javascript:alert(3)</link>
<description><![CDATA[<p onmouseover="alert(4)">Text <a href="javascript:alert(5)">a</a> <a href="JaVaScRiPt&#58;alert(6)">b</a> <a href="data:text/html,x">c</a><iframe src="https://evil.test"></iframe><svg><script>alert(7)</script></svg><style>p{}</style></p>]]></description>
</item></channel></rss>`;
    const feed = await parseFeed(text, ctx);
    const entry = feed.entries[0];
    expect(feed.title).toBe('News');
    expect(entry?.title).toBe('Trafficking case');
    expect(entry?.link).toBeUndefined();
    const html = entry?.contentHtml ?? '';
    expect(html).toContain('Text');
    expect(html).not.toMatch(/script|onmouseover|javascript|data:|iframe|svg|style|alert/i);
  });
});
