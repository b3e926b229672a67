import { DEFAULT_MAX_RESPONSE_BYTES, ResponseTooLargeError } from './requestText';

/**
 * Reads a fetch answer's body as text, cancelling it past `maxBytes`: `response.text()` buffers
 * whatever the server sends, and a timeout alone does not bound memory.
 *
 * @throws ResponseTooLargeError past `maxBytes`
 */
export async function readBoundedText(response: Response, url: string, maxBytes = DEFAULT_MAX_RESPONSE_BYTES): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ResponseTooLargeError(url, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
