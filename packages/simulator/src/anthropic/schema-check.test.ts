// The brain's JSON Schema check catches what the CLI's input validation would.
import { describe, expect, it } from 'vitest';
import { checkSchema } from './schema-check';

describe('checkSchema', () => {
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 3 },
      mode: { enum: ['a', 'b'] },
      n: { type: 'number' },
      list: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'integer' } },
    },
    required: ['name'],
    additionalProperties: false,
  };

  it('accepts a valid value and a missing schema', () => {
    expect(checkSchema(schema, { name: 'abc', mode: 'a', n: 2, list: [1] })).toEqual([]);
    expect(checkSchema(undefined, 42)).toEqual([]);
  });

  it('reports each problem with its path', () => {
    expect(checkSchema(schema, { mode: 'c', n: 'x', list: [1.5, 2, 3], extra: 1 })).toEqual([
      'input.name: required',
      'input.extra: not allowed',
      'input.mode: not one of ["a","b"]',
      'input.n: expected "number", got string',
      'input.list: more than 2 items',
      'input.list[0]: expected "integer", got number',
    ]);
    expect(checkSchema(schema, { name: 'abcd', list: [] })).toEqual(['input.name: longer than 3', 'input.list: fewer than 1 items']);
    expect(checkSchema(schema, null)).toEqual(['input: expected "object", got null']);
  });
});
