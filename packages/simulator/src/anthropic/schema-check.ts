// A small JSON Schema check (type, required, extra keys, enum, item counts) so
// the brain never sends a tool input the CLI's own tool schema would reject.

type Schema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: unknown, actual: string): boolean {
  const list = Array.isArray(expected) ? expected : [expected];
  return list.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

/** Problems found in `value` against `schema`, as `path: message` strings (empty when valid). */
export function checkSchema(schema: Schema | undefined, value: unknown, path = 'input'): string[] {
  if (!schema) return [];
  const problems: string[] = [];
  const actual = typeOf(value);
  if (schema.type !== undefined && !typeMatches(schema.type, actual)) {
    return [`${path}: expected ${JSON.stringify(schema.type)}, got ${actual}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof value === 'string' && typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    problems.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (!(key in obj)) problems.push(`${path}.${key}: required`);
    }
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    if (schema.additionalProperties === false) {
      for (const key of Object.keys(obj)) if (!(key in props)) problems.push(`${path}.${key}: not allowed`);
    }
    for (const [key, sub] of Object.entries(props)) {
      if (key in obj) problems.push(...checkSchema(sub, obj[key], `${path}.${key}`));
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
      problems.push(`${path}: fewer than ${schema.minItems} items`);
    }
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
      problems.push(`${path}: more than ${schema.maxItems} items`);
    }
    const items = schema.items as Schema | undefined;
    value.forEach((item, i) => problems.push(...checkSchema(items, item, `${path}[${i}]`)));
  }
  return problems;
}
