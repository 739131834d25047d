// The fake's host names and the URLs GitHub would print for its objects
// (gh treats `github.localhost` as a development host and speaks plain http to it).
import type { PullRequest, Repo } from './model';

export const GH_HOST = 'github.localhost';
export const WEB_URL = `http://${GH_HOST}`;
export const API_URL = `http://api.${GH_HOST}`;

/** Where `git clone` / `git push` reach a repository of the fake (through `http_proxy`). */
export function gitRemoteUrl(owner: string, repo: string): string {
  return `${WEB_URL}/${owner}/${repo}.git`;
}

export function repoWebUrl(repo: Repo): string {
  return `${WEB_URL}/${repo.owner}/${repo.name}`;
}

export function repoApiUrl(repo: Repo): string {
  return `${API_URL}/repos/${repo.owner}/${repo.name}`;
}

export function pullWebUrl(repo: Repo, pull: PullRequest): string {
  return `${repoWebUrl(repo)}/pull/${pull.number}`;
}

export function userWebUrl(login: string): string {
  return `${WEB_URL}/${login}`;
}

export function avatarUrl(id: number): string {
  return `${WEB_URL}/avatars/u/${id}`;
}
