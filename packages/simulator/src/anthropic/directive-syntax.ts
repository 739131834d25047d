// The low-level syntax of brain directives: `[[name: body]]` found in prompt
// text, and a JSON body form that never contains the `]]` terminator.

/** One directive as written in the prompt, before interpretation. */
export interface RawDirective {
  name: string;
  body: string;
}

const pattern = /\[\[([a-z][\w-]*):([\s\S]*?)\]\]/gi;

/** Every `[[name: body]]` in the text, in order; names are lower-cased, bodies trimmed. */
export function scanDirectives(text: string): RawDirective[] {
  return [...text.matchAll(pattern)].map((m) => ({ name: (m[1] ?? '').toLowerCase(), body: (m[2] ?? '').trim() }));
}

/**
 * JSON text for `value` that is safe inside a directive: `]` within strings
 * becomes `\u005d` and structural `]]` gets a space, so the body never holds `]]`.
 */
export function safeJson(value: unknown): string {
  const json = JSON.stringify(value);
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charAt(i);
    if (inString) {
      if (c === '\\') {
        out += c + json.charAt(i + 1);
        i++;
        continue;
      }
      if (c === '"') inString = false;
      out += c === ']' ? '\\u005d' : c;
      continue;
    }
    if (c === '"') inString = true;
    out += c;
    if (c === ']' && json.charAt(i + 1) === ']') out += ' ';
  }
  return out;
}

/** Whether text can be written verbatim as a directive body (else use `safeJson`). */
export function isPlainSafe(text: string, forbidden: readonly string[] = []): boolean {
  if (text.length === 0 || text !== text.trim()) return false;
  if (text.includes(']]') || text.endsWith(']')) return false;
  if (text.startsWith('"') || text.startsWith('{')) return false;
  return !forbidden.some((f) => text.includes(f));
}

/** Writes `[[name: body]]` with the text verbatim when safe, else as a JSON string. */
export function writeText(name: string, text: string, forbidden: readonly string[] = []): string {
  return `[[${name}: ${isPlainSafe(text, forbidden) ? text : safeJson(text)}]]`;
}

/** A body that is a JSON string literal decodes to its value; anything else stays as written. */
export function readText(body: string): string {
  if (body.startsWith('"')) {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'string') return value;
  }
  return body;
}

/** Parses a JSON object body, with the directive named in the error. */
export function readObject(name: string, body: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error(`[[${name}]]: body is not valid JSON: ${body}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`[[${name}]]: body must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
