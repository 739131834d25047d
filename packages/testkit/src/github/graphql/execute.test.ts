// GraphQL execution against GitHub's published schema, in process: neutral values for
// unmodelled fields, Relay paging, and GitHub-shaped errors.
import { GraphQLList, GraphQLNonNull, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PullReader } from '../pulls';
import { GitHubState } from '../state';
import { connection } from './context';
import type { GqlContext } from './context';
import { executeGraphql, neutralValue } from './execute';
import { rootValue } from './root';
import { githubSchema } from './schema';

function context(): GqlContext {
  const state = new GitHubState();
  const viewer = state.addUser('bottega-bot', 't');
  return { state, reader: new PullReader(state), viewer, gaps: [] };
}

describe('neutralValue', () => {
  it('is null when nullable, else an empty value of the type', () => {
    expect(neutralValue(GraphQLString)).toBeNull();
    expect(neutralValue(new GraphQLNonNull(GraphQLString))).toBe('');
    expect(neutralValue(new GraphQLNonNull(new GraphQLList(GraphQLString)))).toEqual([]);
    const schema = githubSchema();
    const field = (type: string, name: string) => {
      const t = schema.getType(type) as unknown as { getFields(): Record<string, { type: never }> };
      return t.getFields()[name]?.type as never;
    };
    expect(neutralValue(field('Repository', 'isArchived'))).toBe(false);
    expect(neutralValue(field('Repository', 'forkCount'))).toBe(0);
    expect(neutralValue(field('Repository', 'createdAt'))).toBe('1970-01-01T00:00:00Z');
    expect(neutralValue(field('Repository', 'watchers'))).toEqual({});
  });
});

describe('connection', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  it('pages forward with first/after', () => {
    const page1 = connection(items, { first: 2 }) as { nodes: string[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(page1.nodes).toEqual(['a', 'b']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = connection(items, { first: 2, after: page1.pageInfo.endCursor }) as { nodes: string[] };
    expect(page2.nodes).toEqual(['c', 'd']);
  });

  it('takes the tail with last and counts everything', () => {
    expect(connection(items, { last: 1 })).toMatchObject({
      nodes: ['e'],
      totalCount: 5,
      pageInfo: { hasPreviousPage: true, hasNextPage: false },
    });
  });
});

describe('executeGraphql', () => {
  it('answers the viewer', async () => {
    const out = await executeGraphql({ query: 'query UserCurrent { viewer { login } }' }, rootValue(), context());
    expect(out).toEqual({ operationName: 'UserCurrent', invalid: false, result: { data: { viewer: { login: 'bottega-bot' } } } });
  });

  it('puts the error type at the top level, as GitHub does', async () => {
    const out = await executeGraphql({ query: '{ repository(owner: "a", name: "b") { id } }' }, rootValue(), context());
    expect(out.result).toMatchObject({
      data: { repository: null },
      errors: [{ type: 'NOT_FOUND', message: "Could not resolve to a Repository with the name 'a/b'.", path: ['repository'] }],
    });
  });

  it('reports a query that does not validate against the schema', async () => {
    const out = await executeGraphql({ query: 'query X { viewer { nope } }' }, rootValue(), context());
    expect(out.invalid).toBe(true);
    expect(out.operationName).toBe('X');
  });

  it('records fields nobody modelled', async () => {
    const ctx = context();
    const out = await executeGraphql({ query: '{ viewer { login bio company status { message } } }' }, rootValue(), ctx);
    expect(out.result.data).toEqual({ viewer: { login: 'bottega-bot', bio: '', company: null, status: null } });
    expect(ctx.gaps).toEqual(['User.status']);
  });
});
