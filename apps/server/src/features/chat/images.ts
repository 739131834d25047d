// Images sent with a chat message (docs/behaviour/chat.md#images): only to a provider with the
// `supportsImages` capability — refused before anything is written otherwise —
// and only real PNG, JPEG, GIF or WebP data: the decoded bytes must start with
// the magic bytes of the declared type and stay under the size cap.
import { MAX_CHAT_IMAGE_BYTES, type ChatImage, type ChatImageType, type ProviderName } from '@bottega/protocol';
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
