// Multipart uploads (task input files, chat attachments): the body is read
// under the upload limit (http/body-limits.ts), then every name is sanitized
// before anything is written, so a bad name or an oversized file writes nothing.
import type { Context } from 'hono';
import { AppError } from '../errors';
import { sanitizeFileName } from '../workspace/input-files';
import { readBody } from './body-limits';
import type { AppEnv } from './types';

/** Reads every file of a multipart upload, enforcing the size limit and sanitizing names first. */
export async function readUploads(c: Context<AppEnv>, maxBytes: number): Promise<{ name: string; data: Uint8Array }[]> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('VALIDATION_FAILED', 'expected a multipart/form-data upload with one or more "file" fields');
  }
  const bytes = await readBody(c);
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new AppError('VALIDATION_FAILED', 'malformed multipart body');
  }
  const list = form.getAll('file').filter((v): v is File => v instanceof File);
  if (list.length === 0) throw new AppError('VALIDATION_FAILED', 'no "file" field in the upload');
  const total = list.reduce((n, f) => n + f.size, 0);
  if (total > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `uploads are limited to ${maxBytes} bytes`);
  // Validate every name before writing anything, so a bad name writes nothing.
  const named = list.map((f) => ({ file: f, name: sanitizeFileName(f.name) }));
  return Promise.all(named.map(async ({ file, name }) => ({ name, data: new Uint8Array(await file.arrayBuffer()) })));
}
