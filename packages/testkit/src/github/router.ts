// Dispatches one request reaching the fake (directly or as an http proxy): git smart
// HTTP, GraphQL, REST, or the few web pages; records it and any gaps in the model.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { jobLogText } from './actions';
import { matchGitPath, serveGitHttp } from './git-http';
import { executeGraphql } from './graphql/execute';
import type { GraphqlRequest } from './graphql/execute';
import { KNOWN_OPERATIONS, rootValue } from './graphql/root';
import { apiPath, credentialOf, lowerHeaders, parseJson, readBody, requestTarget, sendJson, sendText } from './http';
import type { PullReader } from './pulls';
import type { GitHubLog, GitHubRequest } from './request-log';
import { handleRest, restError } from './rest';
import { githubTime } from './state';
import type { GitHubState } from './state';
import { GH_HOST } from './urls';

export interface RouterDeps {
  state: GitHubState;
  log: GitHubLog;
  /** The directory holding `OWNER/REPO.git`. */
  projectRoot: string;
  defaultUser: string;
  /** A fresh per-request reader (git facts memoized for one request). */
  reader: () => PullReader;
}

const ROOT = rootValue();

async function serveGit(deps: RouterDeps, req: IncomingMessage, res: ServerResponse, url: URL, entry: GitHubRequest): Promise<void> {
  const match = matchGitPath(url.pathname);
  const repo = match ? deps.state.findRepo(match.owner, match.repo) : undefined;
  if (!match || !repo) {
    sendText(res, 404, 'Repository not found.');
    return deps.log.answered(entry, 404);
  }
  const pushing = match.rest === 'git-receive-pack';
  const before = pushing ? await deps.reader().git(repo).branches() : null;
  /** Ref updates are recorded before the response ends, so a finished `git push` has been seen. */
  const recordPushes = async (): Promise<void> => {
    if (!before) return;
    const after = await deps.reader().git(repo).branches();
    for (const name of new Set([...before.keys(), ...after.keys()])) {
      const [b, a] = [before.get(name) ?? null, after.get(name) ?? null];
      if (b === a) continue;
      for (const pull of repo.pulls) if (pull.state === 'OPEN' && pull.headRefName === name) pull.updatedAt = githubTime();
      await deps.log.push({ owner: repo.owner, repo: repo.name, ref: `refs/heads/${name}`, before: b, after: a });
    }
  };
  const code = await serveGitHttp(req, res, {
    projectRoot: deps.projectRoot,
    pathInfo: `/${repo.owner}/${repo.name}.git/${match.rest}`,
    query: url.search.replace(/^\?/, ''),
    remoteUser: entry.login ?? deps.defaultUser,
    beforeEnd: recordPushes,
  });
  deps.log.answered(entry, code === 0 ? res.statusCode : 500);
}

async function serveGraphql(deps: RouterDeps, res: ServerResponse, entry: GitHubRequest): Promise<void> {
  const body = entry.body as Partial<GraphqlRequest> | undefined;
  if (entry.login === null) {
    sendJson(res, 401, {
      message: 'This endpoint requires you to be authenticated.',
      documentation_url: 'https://docs.github.com/graphql',
    });
    return deps.log.answered(entry, 401);
  }
  if (typeof body !== 'object' || typeof body.query !== 'string') {
    sendJson(res, 400, { message: 'Problems parsing JSON' });
    return deps.log.answered(entry, 400);
  }
  const gaps: string[] = [];
  const viewer = deps.state.ensureUser(entry.login);
  const outcome = await executeGraphql(
    { query: body.query, variables: body.variables ?? undefined, operationName: body.operationName ?? undefined },
    ROOT,
    { state: deps.state, reader: deps.reader(), viewer, gaps },
  );
  const op = outcome.operationName ?? null;
  if (op !== null) entry.operationName = op;
  if (op === null || !KNOWN_OPERATIONS.has(op)) deps.log.gap({ kind: 'operation', operationName: op, detail: op ?? '(anonymous)' });
  if (outcome.invalid) {
    for (const e of outcome.result.errors ?? [])
      deps.log.gap({ kind: 'invalid-query', operationName: op, detail: String((e as { message?: unknown }).message) });
  }
  for (const field of gaps) deps.log.gap({ kind: 'field', operationName: op, detail: field });
  sendJson(res, 200, outcome.result);
  deps.log.answered(entry, 200);
}

/** Pages of github.localhost itself: a check run's log (`/O/R/runs/ID`, `/O/R/actions/runs/RUN/job/ID`). */
function serveWeb(deps: RouterDeps, res: ServerResponse, path: string, entry: GitHubRequest): boolean {
  const m = /^\/([^/]+)\/([^/]+)\/(?:runs|actions\/runs\/\d+\/job)\/(\d+)$/.exec(path);
  const repo = m?.[1] && m[2] ? deps.state.findRepo(m[1], m[2]) : undefined;
  const check = repo && m?.[3] ? deps.state.findCheck(repo, Number(m[3])) : undefined;
  if (!check) return false;
  entry.kind = 'web';
  sendText(res, 200, check.runId === null ? (check.logs ?? '') : jobLogText(check));
  deps.log.answered(entry, 200);
  return true;
}

export async function routeRequest(deps: RouterDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestTarget(req);
  const credential = credentialOf(req);
  const login = credential.kind === 'token' ? (deps.state.loginForToken(credential.token) ?? undefined) : null;
  const base: Omit<GitHubRequest, 'kind' | 'path'> = {
    method: req.method ?? 'GET',
    host: url.hostname,
    url: req.url ?? '/',
    headers: lowerHeaders(req),
    login: login ?? null,
  };
  if (matchGitPath(url.pathname) && url.hostname !== `api.${GH_HOST}`) {
    const entry = deps.log.add({ ...base, kind: 'git', path: url.pathname });
    return serveGit(deps, req, res, url, entry);
  }
  const path = apiPath(url.pathname);
  const entry = deps.log.add({ ...base, kind: path === '/graphql' ? 'graphql' : 'rest', path, body: parseJson(await readBody(req)) });
  if (login === undefined) {
    sendJson(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    return deps.log.answered(entry, 401);
  }
  if (req.method === 'POST' && path === '/graphql') return serveGraphql(deps, res, entry);
  if (req.method === 'GET' && serveWeb(deps, res, path, entry)) return;
  const answer = await handleRest({
    method: entry.method,
    path,
    query: url.searchParams,
    body: entry.body,
    login: entry.login,
    accept: entry.headers.accept ?? '',
    reader: deps.reader(),
  });
  const final = answer ?? restError(404, 'Not Found');
  if (!answer) deps.log.gap({ kind: 'route', operationName: null, detail: `${entry.method} ${path}` });
  if (final.status === 204) res.writeHead(204).end();
  else if (final.binary !== undefined)
    res
      .writeHead(final.status, { 'content-type': final.binary.contentType, 'content-length': final.binary.data.length })
      .end(final.binary.data);
  else if (final.text !== undefined) sendText(res, final.status, final.text);
  else sendJson(res, final.status, final.json, final.headers);
  deps.log.answered(entry, final.status);
}
