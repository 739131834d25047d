// Classifies Codex failures into ProviderErrors. Codex reports a failed model
// request as an `error` event and then `turn.failed`, with texts such as
// "unexpected status 401 Unauthorized: …", "exceeded retry limit, last
// status: 429 …", "We're currently experiencing high demand…" (5xx),
// "Selected model is at capacity…", or the API's error JSON (4xx); a process
// that cannot start or dies is reported by the SDK as a thrown error.
//
// Limits, measured against the fake (request_max_retries 0: Codex never
// retries): a plain 429 is "exceeded retry limit, last status: 429 Too Many
// Requests" (its retry-after is not passed on); a plan's `usage_limit_reached`
// is "You’ve hit your usage limit. … try again at 10:08 PM." (this machine's
// zone; "at Dec 6th, 2026 11:08 PM" on another day; older CLIs: "try again in
// 2 days 17 hours 14 minutes"), "… Try again later." without a reset; an API
// account's `insufficient_quota` is "Quota exceeded. Check your plan and
// billing details.", which no wait cures.
import { ProviderError, type ProviderErrorKind } from '../../contract';
import { parseCodexReset } from '../reset-time';

const err = (kind: ProviderErrorKind, code: ProviderError['code'], message: string) => new ProviderError('openai', kind, code, message);

function statusOf(text: string): number | null {
  const m = /\b(?:status:?|status code)\s*(\d{3})\b/i.exec(text);
  return m?.[1] ? Number(m[1]) : null;
}

/** The error for a turn Codex reported as failed (`turn.failed` / `error` messages). */
export function classifyTurnFailure(messages: readonly string[]): ProviderError {
  const text = messages.at(-1) ?? 'the turn failed';
  const status = statusOf(text);
  if (status === 401 || /unauthori[sz]ed|invalid api key|incorrect api key|refresh token|sign in again|log out and sign in/i.test(text)) {
    return err('fatal', 'auth', `Codex's credentials were rejected: ${text}; update them in Settings → Providers`);
  }
  if (status === 403) return err('fatal', 'auth', `the OpenAI account cannot be used for this request: ${text}`);
  if (/hit your usage limit|usage limit (?:has been )?reached/i.test(text)) {
    const resetAt = parseCodexReset(text);
    if (!resetAt)
      return err('fatal', 'usage_limit', `the ChatGPT plan's Codex usage limit is reached and no reset time was given: ${text}`);
    return new ProviderError(
      'openai',
      'transient',
      'usage_limit',
      `the ChatGPT plan's Codex usage limit is reached until ${resetAt.toISOString()}: ${text}`,
      { resetAt },
    );
  }
  if (/quota exceeded|insufficient_quota/i.test(text)) {
    return err('fatal', 'usage_limit', `the OpenAI account has no quota left; check its plan and billing: ${text}`);
  }
  if (/use Codex with your ChatGPT plan/i.test(text)) return err('fatal', 'auth', `the ChatGPT plan does not include Codex: ${text}`);
  if (status === 429 || /rate limit|too many requests/i.test(text))
    return err('transient', 'rate_limit', `rate limited by the model API: ${text}`);
  if (/at capacity|high demand|overloaded/i.test(text) || status === 503)
    return err('transient', 'overloaded', `the model API is overloaded: ${text}`);
  if (/idle timeout|stream disconnected|timed out/i.test(text))
    return err('transient', 'stalled', `the model stream stalled or broke: ${text}`);
  if (status === 404 || /model .*(not found|does not exist|not supported)/i.test(text))
    return err('fatal', 'invalid_request', `the model is not available: ${text}`);
  if ((status !== null && status >= 400 && status < 500) || /invalid_request_error/.test(text))
    return err('fatal', 'invalid_request', `the model API refused the request: ${text}`);
  if ((status !== null && status >= 500) || /error sending request|connection refused|dns|network/i.test(text))
    return err('transient', 'network', `the model API could not be reached or failed: ${text}`);
  return err('transient', 'unknown', `Codex failed: ${text}`);
}

/** A failure thrown by the SDK (spawn failure, a non-zero exit without a reported turn failure). */
export function classifyThrown(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'EACCES') return err('fatal', 'process', `Codex could not be started: ${message}`);
  if (/not logged in|no credentials|login required/i.test(message))
    return err('fatal', 'credentials_missing', `Codex has no credentials: ${message}`);
  return err('transient', 'process', `Codex failed: ${message.slice(0, 2000)}`);
}
