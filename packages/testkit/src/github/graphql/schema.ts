// GitHub's published GraphQL schema (@octokit/graphql-schema), built once on first use
// (~0.4 s) and shared: it is immutable, so every fake can execute against it.
import { schema as published } from '@octokit/graphql-schema';
import { buildSchema } from 'graphql';
import type { GraphQLSchema } from 'graphql';

let built: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  built ??= buildSchema(published.idl, { assumeValidSDL: true });
  return built;
}
