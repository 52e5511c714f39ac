import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { channels } from '../../../shared/contract';
import { channel } from '../../../shared/contract/channel';

/**
 * Every text a channel accepts has a maximum (issue 18): a 300 kB "reason" once went into the audit trail, where it
 * bloats every export and every verify. This walks the JSON Schema of every channel's input (what a client may send)
 * and names each string that has no maximum length. A string with a fixed set of values (an enum, a constant) or an
 * ISO date is bounded by its form.
 */
type JsonSchema = { [key: string]: unknown };

export function unboundedStrings(schema: JsonSchema, path = '$'): string[] {
  const found: string[] = [];
  const visit = (node: unknown, where: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${where}[${i}]`));
    if (!node || typeof node !== 'object') return;
    const s = node as JsonSchema;
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const bounded = typeof s.maxLength === 'number' || 'enum' in s || 'const' in s || ((s.format === 'date' || s.format === 'date-time') && typeof s.pattern === 'string');
    if (types.includes('string') && !bounded) found.push(where);
    for (const [key, value] of Object.entries(s)) {
      if (key === 'properties' && value && typeof value === 'object') {
        for (const [name, sub] of Object.entries(value as JsonSchema)) visit(sub, `${where}.${name}`);
      } else if (key === 'items' || key === 'additionalProperties') visit(value, `${where}[]`);
      else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf' || key === 'prefixItems') visit(value, where);
      else if (key === '$defs' || key === 'definitions') {
        for (const [name, sub] of Object.entries(value as JsonSchema)) visit(sub, `#${name}`);
      }
    }
  };
  visit(schema, path);
  return found;
}

const inputSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

describe('every text field of the contract has a maximum length', () => {
  it('no channel input has a string without a maximum', () => {
    const unbounded = channels.flatMap(({ name, definition }) => unboundedStrings(inputSchema(definition.input)).map((where) => `${name} ${where}`));
    expect(unbounded).toEqual([]);
  });

  it('the walk finds a planted unbounded string, however deep it sits', () => {
    const planted = channel({
      kind: 'command',
      description: 'planted',
      input: z.object({
        bounded: z.string().max(10),
        kind: z.enum(['a', 'b']),
        day: z.string().date(),
        from: z.discriminatedUnion('kind', [z.object({ kind: z.literal('x'), items: z.array(z.object({ comment: z.string().trim().min(3) })) }), z.object({ kind: z.literal('y') })]),
        tags: z.record(z.string().max(5), z.string()),
      }),
      output: z.object({}),
      access: 'session',
      signature: null,
      examples: [{ bounded: '', kind: 'a', day: '2026-01-01', from: { kind: 'y' }, tags: {} }],
    });
    expect(unboundedStrings(inputSchema(planted.input))).toEqual(['$.from[0].items[].comment', '$.tags[]']);
  });
});
