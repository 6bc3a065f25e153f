// The per-subscriber step of rendering: a tiny logic-less template language filled into HTML that MJML compiled
// once. `{{name}}` and `{{a.b}}` insert a value HTML-escaped (there is no unescaped form, so feed text can never
// become markup); `{{#name}}…{{/name}}` repeats for each element of a list (or once for a truthy value), and
// `{{^name}}…{{/name}}` renders when the value is empty or false. Names resolve in the innermost context first,
// then outwards. compileFill parses once; the returned function only walks the parsed tree.
import { escapeHtml } from '../core/html.ts';
import { TipwireError } from '../core/errors.ts';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'value'; path: string[] }
  | { kind: 'section'; path: string[]; inverted: boolean; children: Node[] };

export type FillData = Record<string, unknown>;
export type Fill = (data: FillData) => string;

function parse(template: string, name: string): Node[] {
  const root: Node[] = [];
  const stack: { path: string; children: Node[] }[] = [{ path: '', children: root }];
  const tag = /\{\{\s*([#^/]?)\s*([a-zA-Z_][\w.]*)\s*\}\}/g;
  let last = 0;
  for (let match = tag.exec(template); match; match = tag.exec(template)) {
    const top = stack[stack.length - 1];
    if (!top) break;
    if (match.index > last) top.children.push({ kind: 'text', text: template.slice(last, match.index) });
    last = match.index + match[0].length;
    const [, sigil, path = ''] = match;
    if (sigil === '#' || sigil === '^') {
      const children: Node[] = [];
      top.children.push({ kind: 'section', path: path.split('.'), inverted: sigil === '^', children });
      stack.push({ path, children });
    } else if (sigil === '/') {
      if (top.path !== path || stack.length === 1) {
        throw new TipwireError(
          'CONFIG_INVALID',
          `template ${name}: {{/${path}}} closes ${top.path ? `{{#${top.path}}}` : 'nothing'}`,
        );
      }
      stack.pop();
    } else {
      top.children.push({ kind: 'value', path: path.split('.') });
    }
  }
  if (stack.length > 1)
    throw new TipwireError(
      'CONFIG_INVALID',
      `template ${name}: {{#${stack[stack.length - 1]?.path}}} is never closed`,
    );
  if (last < template.length) root.push({ kind: 'text', text: template.slice(last) });
  return root;
}

function lookup(contexts: unknown[], path: string[]): unknown {
  for (let i = contexts.length - 1; i >= 0; i -= 1) {
    let value: unknown = contexts[i];
    if (value === null || typeof value !== 'object' || !((path[0] as string) in (value as object))) continue;
    for (const key of path)
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return value;
  }
  return undefined;
}

const isEmpty = (value: unknown): boolean =>
  value === undefined ||
  value === null ||
  value === false ||
  value === '' ||
  (Array.isArray(value) && value.length === 0);

function render(nodes: Node[], contexts: unknown[], out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.text);
    else if (node.kind === 'value') {
      const value = lookup(contexts, node.path);
      if (value !== undefined && value !== null) out.push(escapeHtml(String(value)));
    } else {
      const value = lookup(contexts, node.path);
      if (node.inverted) {
        if (isEmpty(value)) render(node.children, contexts, out);
      } else if (Array.isArray(value)) {
        for (const element of value) render(node.children, [...contexts, element], out);
      } else if (!isEmpty(value)) {
        render(node.children, typeof value === 'object' ? [...contexts, value] : contexts, out);
      }
    }
  }
}

/** Parses once; the returned function fills (escaping every value) in one pass over the tree. */
export function compileFill(template: string, name = 'template'): Fill {
  const nodes = parse(template, name);
  return (data) => {
    const out: string[] = [];
    render(nodes, [data], out);
    return out.join('');
  };
}
