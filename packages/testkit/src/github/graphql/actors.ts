// GraphQL objects for people and owners (User / Organization), shaped like GitHub's.
import { avatarUrl, userWebUrl } from '../urls';
import type { GqlContext } from './context';

/** An `Actor` / `User` (a login the fake has not seen is created on the fly). */
export function userNode(ctx: GqlContext, login: string): Record<string, unknown> {
  const user = ctx.state.ensureUser(login);
  const isOrg = user.type === 'Organization';
  return {
    __typename: isOrg ? 'Organization' : 'User',
    id: user.nodeId,
    databaseId: user.id,
    login: user.login,
    name: null,
    email: '',
    url: userWebUrl(user.login),
    resourcePath: `/${user.login}`,
    avatarUrl: avatarUrl(user.id),
    isViewer: user.login === ctx.viewer.login,
    company: null,
    bio: '',
    location: null,
    createdAt: '2020-01-01T00:00:00Z',
  };
}

/** `RepositoryOwner` (interface: User or Organization). */
export function ownerNode(ctx: GqlContext, login: string): Record<string, unknown> {
  return userNode(ctx, login);
}

/** A `GitActor` (author/committer of a commit); `user` is null like an unlinked email. */
export function gitActor(name: string, email: string, date: string): Record<string, unknown> {
  return { name, email, date, user: null, avatarUrl: '' };
}
