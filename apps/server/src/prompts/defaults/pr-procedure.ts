// Shared sections of the PR, PR-feedback and YOLO prompts (docs/behaviour/agents.md#pull-request): committing
// and opening the pull request, then the bounded CI and mergeability loop.

export const OPEN_PULL_REQUEST = `### Commit

Run \`git status --porcelain\` in \`{{worktreePath}}\`. If there is uncommitted work, stage it with
\`git add -A\`, look at what is staged, and unstage anything that must not be published
(secrets, \`.env\` files, build output, logs, large binaries). Commit it with a message of the
form \`Task {{taskId}}: <what changed>\`.

### Anything to publish?

Run \`git fetch origin {{baseBranch}}\`, then \`git rev-list --count origin/{{baseBranch}}..HEAD\`.
If it prints 0, the branch adds nothing to \`{{baseBranch}}\` and there is no pull request to
open: run \`{{signalCommand}} pr-complete\` and stop.

### Push and open the pull request

Push with \`git push -u origin {{branch}}\`. If an open pull request already exists for the
branch, do not create another: continue with CI. Otherwise write the description to a
temporary file outside the worktree (so it is never committed) and run:

\`\`\`
gh pr create --repo {{repoSlug}} --head {{branch}} --base {{baseBranch}} --title "<title>" --body-file <file>
\`\`\`

The title is short (under 70 characters) and says what the change does. The description is
concise: what changed and why (from the plan's *Overview*), how it was tested, and a closing
line \`Task {{taskId}}: {{taskTitle}}\`.`;

export const CI_AND_MERGEABILITY = `### Wait for CI — bounded

Read the pull request's state with:

\`\`\`
gh pr view {{branch}} --repo {{repoSlug}} --json state,mergeable,statusCheckRollup
\`\`\`

Each entry of \`statusCheckRollup\` is a check run (\`name\`, \`status\`, \`conclusion\`,
\`detailsUrl\`) or a commit status (\`context\`, \`state\`, \`targetUrl\`).

- If the pull request's \`state\` is \`MERGED\`, a human merged it: run
  \`{{signalCommand}} pr-complete\` and stop. If it is \`CLOSED\`, see *When you must stop*.
- Poll at most **30 times, 20 seconds apart** (about 10 minutes) after each push. Wait with
  \`sleep 20\`, never longer in one command (some agents refuse a longer leading sleep).
- If the list is still empty after **3** polls, the repository runs no CI on this pull
  request: treat it as green.
- While any check is queued or in progress, keep polling.
- If a check failed (conclusion \`FAILURE\`, \`TIMED_OUT\`, \`CANCELLED\`, \`ACTION_REQUIRED\` or
  \`STARTUP_FAILURE\`, or state \`FAILURE\` or \`ERROR\`), fetch its logs: for GitHub Actions, take
  the run id from \`detailsUrl\` (\`…/actions/runs/<id>/…\`) and run
  \`gh run view <id> --repo {{repoSlug}} --log-failed\`. Find the cause and fix it in the code —
  never by deleting, skipping or weakening tests or checks. Run the relevant tests locally,
  commit, push, and poll again. At most **{{maxCiRounds}}** fix rounds in all.
- When every check has passed (success, neutral or skipped), go on to mergeability.

### Mergeability — bounded

Read \`mergeable\` from the same command:

- \`MERGEABLE\` → run \`{{signalCommand}} pr-complete\`. You are done.
- \`CONFLICTING\` → bring the branch up to date with \`{{baseBranch}}\`, at most **2** times.
  {{updateStrategy}}
  Resolve each conflict keeping the intent of both sides and run the tests before pushing;
  then wait for CI again. If a conflict cannot be resolved soundly, abort (\`git rebase --abort\`
  or \`git merge --abort\`), name the conflicting files in your report and end your turn.
- \`UNKNOWN\` → GitHub is still computing it: wait 15 seconds and read it again, at most **8**
  times.

### When you must stop

If a cap above is reached, or something you cannot fix stands in the way (pushing is refused,
\`gh\` is not authenticated, the pull request was closed), add a section \`## Pull Request Report\`
at the end of the task document \`{{documentPath}}\` (replace it if one is already there): what
failed, the last CI and mergeability state, what you tried, and what a human should do next.
Send no signal and end your turn.`;
