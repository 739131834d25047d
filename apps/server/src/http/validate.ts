// Request parsing: JSON bodies through zod, path ids as positive integers.
// Every failure is a 400 with a readable message; nothing is written before it.
import type { Context } from 'hono';
import { MAX_ROW_ID } from '@bottega/protocol';
import type { z } from 'zod';
import { AppError } from '../errors';
import { readBody } from './body-limits';
import type { AppEnv } from './types';

export function formatZodError(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** The JSON body, read under the route's size limit (http/body-limits.ts) and parsed through `schema`. */
export async function readJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new AppError('VALIDATION_FAILED', 'expected a JSON body (content-type: application/json)');
  }
  const bytes = await readBody(c);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new AppError('VALIDATION_FAILED', 'body is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', formatZodError(parsed.error), parsed.error.issues);
  return parsed.data;
}

export function idParam(c: Context, name: string): number {
  const raw = c.req.param(name) ?? '';
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new AppError('VALIDATION_FAILED', `${name} must be a positive integer`);
  const n = Number(raw);
  if (n > MAX_ROW_ID) throw new AppError('VALIDATION_FAILED', `${name} is out of range`);
  return n;
}

/** Parses the query string through zod; failures are a 400 naming the parameter. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', formatZodError(parsed.error), parsed.error.issues);
  return parsed.data;
}
