// Repairs for the faults real feeds have, applied only after a strict parse failed (so a well-formed feed is never
// rewritten). Each rule is cheap, local and cannot create markup that was not there.
// Rule order: control characters → junk before the first tag → bare & (not starting a valid reference) → junk after
// the root element's end tag.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
// A reference that XML (or sax's HTML entity table) can read: numeric, or a name followed by ';'.
const BARE_AMP = /&(?!#\d{1,7};|#x[0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)/g;

export interface Repaired {
  text: string;
  repairs: string[];
}

export function repairXml(input: string): Repaired {
  const repairs: string[] = [];
  let text = input;
  if (CONTROL.test(text)) {
    text = text.replace(CONTROL, '');
    repairs.push('removed control characters');
  }
  const firstTag = text.indexOf('<');
  if (firstTag > 0 && text.slice(0, firstTag).trim() !== '') {
    text = text.slice(firstTag);
    repairs.push('removed text before the first tag');
  } else if (firstTag > 0) {
    text = text.slice(firstTag);
  }
  // An XML declaration must come first; one that follows whitespace or a comment is dropped.
  if (!text.startsWith('<?xml') && /<\?xml[^>]*\?>/.test(text.slice(0, 2048))) {
    text = text.replace(/<\?xml[^>]*\?>/, '');
    repairs.push('removed a misplaced XML declaration');
  }
  const amp = replaceOutsideCdata(text, BARE_AMP, '&amp;');
  if (amp !== text) {
    text = amp;
    repairs.push('escaped bare "&"');
  }
  // A document cut inside its last end tag ("</rss" at EOF) gets the missing ">".
  const cut = /<\/([\w.:-]+)\s*$/.exec(text);
  if (cut !== null) {
    text = `${text.trimEnd()}>`;
    repairs.push(`completed the end tag </${cut[1] ?? ''}>`);
  }
  const close = /<\/(rss|feed|rdf:RDF|RDF)\s*>/g;
  let last: RegExpExecArray | null = null;
  for (let m = close.exec(text); m !== null; m = close.exec(text)) last = m;
  if (last !== null) {
    const end = last.index + last[0].length;
    if (text.slice(end).trim() !== '') {
      text = text.slice(0, end);
      repairs.push('removed text after the root element');
    }
  }
  return { text, repairs };
}

function replaceOutsideCdata(text: string, re: RegExp, replacement: string): string {
  return text
    .split(/(<!\[CDATA\[[^]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part : part.replace(re, replacement)))
    .join('');
}
