// Bounds a stalled model stream: the CLI waits on a silent connection forever,
// so if no message arrives for `timeoutMs` while the turn waits on the model,
// the watchdog fires. It sleeps while a tool runs (tool_use without its
// tool_result yet) or a question waits for the user, and allows for the CLI's
// announced retry back-off. Until the CLI reports `system/init` the allowance
// is at least STARTUP_MS: starting the process is not waiting on the model.
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';

export const STARTUP_MS = 30_000;

export class StallWatchdog {
  private readonly running = new Set<string>();
  private questions = 0;
  private timer: NodeJS.Timeout | null = null;
  private extraMs = 0;
  private stopped = false;
  private started = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onStall: () => void,
  ) {}

  start(): void {
    this.arm();
  }

  /** Feed every SDK message here, in order. */
  seen(msg: SDKMessage): void {
    this.started = true;
    if (msg.type === 'assistant' && Array.isArray(msg.message.content)) {
      for (const b of msg.message.content) {
        if (b.type === 'tool_use' || b.type === 'mcp_tool_use') this.running.add(b.id);
      }
    } else if (msg.type === 'user' && Array.isArray(msg.message.content)) {
      for (const b of msg.message.content) {
        if (b.type === 'tool_result') this.running.delete(b.tool_use_id);
      }
    } else if (msg.type === 'system' && msg.subtype === 'api_retry') {
      this.extraMs = msg.retry_delay_ms;
    } else if (msg.type === 'result') {
      this.stop();
      return;
    }
    this.arm();
  }

  /** A question is open (true) or closed (false). */
  waiting(open: boolean): void {
    this.questions = Math.max(0, this.questions + (open ? 1 : -1));
    this.arm();
  }

  /** Whether a tool call is running now. */
  get toolRunning(): boolean {
    return this.running.size > 0;
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    this.clear();
    if (this.stopped || this.running.size > 0 || this.questions > 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (!this.stopped) this.onStall();
      },
      (this.started ? this.timeoutMs : Math.max(this.timeoutMs, STARTUP_MS)) + this.extraMs,
    );
    this.timer.unref();
    this.extraMs = 0;
  }
}
