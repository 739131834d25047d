// Login throttling (README, "Accounts and access"). Failed attempts count in
// fixed 15-minute windows, in two buckets that are both checked:
// - per client IP and username (case-insensitive): a few failures lock that
//   username out *from that IP only*, so a typo-prone colleague behind the same
//   address, or the owner of the account elsewhere, can still sign in;
// - per client IP, all usernames together: a larger allowance that stops one
//   address from guessing its way through many accounts.
// Nothing is counted per username alone, so no one can lock an account out
// for everybody by failing against it from their own address. A successful
// login clears its own IP-and-username bucket (not the IP's). Registration
// (first-run setup only) counts in the per-IP bucket.
import type { Config } from '../../config';
import { FailureRateLimiter } from '../../http/rate-limit';

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export class LoginThrottle {
  private readonly perIp: FailureRateLimiter;
  private readonly perIpAndUsername: FailureRateLimiter;

  constructor(config: Pick<Config, 'loginRateLimit' | 'loginRateLimitPerUsername'>, now: () => number) {
    this.perIp = new FailureRateLimiter(config.loginRateLimit, LOGIN_WINDOW_MS, now);
    this.perIpAndUsername = new FailureRateLimiter(config.loginRateLimitPerUsername, LOGIN_WINDOW_MS, now);
  }

  /** Throws RATE_LIMITED when either bucket of this attempt is used up (checked before the password). */
  checkLogin(ip: string, username: string): void {
    this.perIp.check(ip);
    this.perIpAndUsername.check(pairKey(ip, username));
  }

  loginFailed(ip: string, username: string): void {
    this.perIp.recordFailure(ip);
    this.perIpAndUsername.recordFailure(pairKey(ip, username));
  }

  loginSucceeded(ip: string, username: string): void {
    this.perIpAndUsername.reset(pairKey(ip, username));
  }

  checkRegistration(ip: string): void {
    this.perIp.check(ip);
  }

  registrationFailed(ip: string): void {
    this.perIp.recordFailure(ip);
  }
}

/** Usernames are matched case-insensitively at login, so `Ada` and `ada` share a bucket. */
function pairKey(ip: string, username: string): string {
  return JSON.stringify([ip, username.toLowerCase()]);
}
