// Images sent with a chat message (docs/behaviour/chat.md#images): only to a provider with the
// `supportsImages` capability — refused before anything is written otherwise —
// and only real PNG, JPEG, GIF or WebP data: the decoded bytes must start with
// the magic bytes of the declared type and stay under the size cap.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_CHAT_IMAGE_BYTES, type ChatImage, type ChatImageType, type ProviderName, type StoredImage } from '@bottega/protocol';
import { readConfinedFile } from '../../workspace/confined-read';
import { writeFileAtomic } from '../../workspace/atomic-write';
import { AppError } from '../../errors';
import { hasCapability, type LlmProvider, type PromptImage } from '../../harness/contract';

const startsWith = (data: Uint8Array, bytes: readonly number[], at = 0) => bytes.every((b, i) => data[at + i] === b);
const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));

/** The image type the bytes really are, or null when they are none of the accepted ones. */
export function sniffImageType(data: Uint8Array): ChatImageType | null {
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(data, ascii('GIF87a')) || startsWith(data, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(data, ascii('RIFF')) && startsWith(data, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

/**
 * Checks the images of a message for `provider` and returns them ready for a
 * turn. Throws VALIDATION_FAILED when the provider cannot take images, or an
 * image is not what it claims to be; PAYLOAD_TOO_LARGE when one is too big.
 */
export function validateImages(
  provider: Pick<LlmProvider, 'capabilities'>,
  providerName: ProviderName,
  images: readonly ChatImage[] | undefined,
): PromptImage[] {
  if (!images || images.length === 0) return [];
  if (!hasCapability(provider, 'supportsImages')) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${providerName} does not accept images; send the message without them, or attach the image as a file`,
    );
  }
  return images.map((image, i) => {
    const bytes = Buffer.from(image.data, 'base64');
    if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', `image ${i + 1} is empty`);
    if (bytes.length > MAX_CHAT_IMAGE_BYTES)
      throw new AppError('PAYLOAD_TOO_LARGE', `image ${i + 1} is larger than ${MAX_CHAT_IMAGE_BYTES} bytes`);
    const actual = sniffImageType(bytes);
    if (actual === null) throw new AppError('VALIDATION_FAILED', `image ${i + 1} is not a PNG, JPEG, GIF or WebP image`);
    if (actual !== image.mediaType)
      throw new AppError('VALIDATION_FAILED', `image ${i + 1} is declared as ${image.mediaType} but is ${actual}`);
    return { mediaType: actual, data: bytes.toString('base64') };
  });
}

const EXTENSIONS: Record<ChatImageType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };
const MEDIA_TYPES = Object.fromEntries(Object.entries(EXTENSIONS).map(([type, ext]) => [ext, type])) as Record<string, ChatImageType>;

/** The only names a kept image has: the SHA-256 of its bytes and its type's extension. */
const STORED_NAME = /^[0-9a-f]{64}\.(png|jpg|gif|webp)$/;

/**
 * Keeps checked images in the task's chat-images folder so the transcript can
 * show them after a reload (docs/behaviour/chat.md#images). Named by their
 * content: the same image sent twice is kept once.
 */
export async function keepChatImages(dir: string, images: readonly PromptImage[]): Promise<StoredImage[]> {
  if (images.length === 0) return [];
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return Promise.all(
    images.map(async (image) => {
      const bytes = Buffer.from(image.data, 'base64');
      const name = `${createHash('sha256').update(bytes).digest('hex')}.${EXTENSIONS[image.mediaType]}`;
      await writeFileAtomic(join(dir, name), bytes);
      return { name, mediaType: image.mediaType };
    }),
  );
}

/** A kept image by name, or null when the name is not one we give or nothing is kept under it. */
export async function readChatImage(dir: string, name: string): Promise<{ data: Buffer; mediaType: ChatImageType } | null> {
  const m = STORED_NAME.exec(name);
  if (!m) return null;
  const read = await readConfinedFile(dir, name);
  return read.kind === 'file' ? { data: read.data, mediaType: MEDIA_TYPES[m[1] as string] as ChatImageType } : null;
}
