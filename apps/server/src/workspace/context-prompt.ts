// The system-prompt block every agent run receives (docs/behaviour/tasks.md#context-prompt): where the task is
// written down, which attachments to read, and how to run servers without
// disturbing other tasks. A pure function of its inputs.

export interface ContextPromptInput {
  taskId: number;
  /** Absolute path of the task document. */
  documentPath: string;
  /** Absolute paths of the task's input files. */
  inputFiles: readonly string[];
  /** Absolute paths of files the user attached in chat to the worktree's `tmp/` (omitted: none). */
  tmpFiles?: readonly string[];
  devServerPort: number;
  /** The directory the agent runs in. */
  cwd: string;
}

export function buildContextPrompt(input: ContextPromptInput): string {
  const files =
    input.inputFiles.length === 0
      ? ['This task has no input files.']
      : [
          'The user attached these files to the task. Read each of them before you start; they are part of the request:',
          '',
          ...input.inputFiles.map((f) => `- \`${f}\``),
        ];
  const tmp = input.tmpFiles ?? [];
  const attached =
    tmp.length === 0
      ? []
      : [
          "The user also attached these files in the chat, in the worktree's `tmp/` folder. They are working material, not part of",
          'the change: read them when the conversation refers to them, and never commit them:',
          '',
          ...tmp.map((f) => `- \`${f}\``),
          '',
        ];
  return [
    '## Task context',
    '',
    '### The task document',
    '',
    `The task is described in \`${input.documentPath}\`.`,
    'That file is the single authoritative statement of the task. Read it in full before doing anything else,',
    'and do not look for the task anywhere else (issue trackers, other documents, earlier conversations).',
    'If something in it is unclear, say so rather than guessing.',
    '',
    '### Input files',
    '',
    ...files,
    '',
    ...attached,
    '### Working directory',
    '',
    `You are working in \`${input.cwd}\`.`,
    '',
    '### Testing configuration',
    '',
    `- Task id: ${input.taskId}`,
    `- Port for any dev or test server you start: ${input.devServerPort} (e.g. \`PORT=${input.devServerPort}\`).`,
    '- Bind servers to 127.0.0.1 only.',
    '- Other tasks run on this machine at the same time with their own ports and processes. Never stop, kill,',
    '  restart or connect to a process or port you did not start yourself, and never reuse another port.',
    '- If the port is busy, report it rather than taking a different shared port or killing what holds it.',
    '- Stop every server and background process you started before you finish.',
    '',
  ].join('\n');
}
