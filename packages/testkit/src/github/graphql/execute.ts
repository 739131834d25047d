// Executes a GraphQL request with graphql-js against GitHub's schema. Resolvers are
// plain objects (a field is a value or a function of its args); a field nobody modelled
// resolves to a neutral value the schema allows and is recorded as a gap.
import {
  GraphQLError,
  execute,
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  validate,
} from 'graphql';
import type { DocumentNode, ExecutionResult, GraphQLFieldResolver, GraphQLOutputType, OperationDefinitionNode } from 'graphql';
import type { GqlContext } from './context';
import { githubSchema } from './schema';

/** A neutral value for a field the fake does not model. */
export function neutralValue(type: GraphQLOutputType): unknown {
  if (!isNonNullType(type)) return null;
  const inner = getNullableType(type);
  if (isListType(inner)) return [];
  if (isEnumType(inner)) return inner.getValues()[0]?.value ?? null;
  if (isObjectType(inner)) return {};
  if (isScalarType(inner)) {
    switch (inner.name) {
      case 'Boolean':
        return false;
      case 'Int':
      case 'Float':
        return 0;
      case 'DateTime':
        return '1970-01-01T00:00:00Z';
      default:
        return '';
    }
  }
  return null;
}

const fieldResolver: GraphQLFieldResolver<unknown, GqlContext> = (source, args, context, info) => {
  if (typeof source === 'object' && source !== null && info.fieldName in source) {
    const value = (source as Record<string, unknown>)[info.fieldName];
    return typeof value === 'function' ? (value as (a: unknown, c: GqlContext) => unknown).call(source, args, context) : value;
  }
  if (info.fieldName === '__typename') return getNamedType(info.parentType).name;
  context.gaps.push(`${info.parentType.name}.${info.fieldName}`);
  return neutralValue(info.returnType);
};

export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface GraphqlOutcome {
  operationName: string | undefined;
  /** GitHub-shaped: errors carry a top-level `type` (NOT_FOUND, UNPROCESSABLE…). */
  result: { data?: unknown; errors?: object[] };
  /** The query did not parse or validate against the schema. */
  invalid: boolean;
}

function operationOf(doc: DocumentNode, name: string | undefined): OperationDefinitionNode | undefined {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return name ? ops.find((o) => o.name?.value === name) : ops[0];
}

function githubError(err: GraphQLError): object {
  const original = err.originalError as { type?: unknown } | undefined;
  const raw = err.extensions.type ?? original?.type;
  const type = typeof raw === 'string' ? raw : undefined;
  return {
    ...(type ? { type } : {}),
    path: err.path,
    locations: err.locations,
    message: err.message,
  };
}

export async function executeGraphql(request: GraphqlRequest, rootValue: object, context: GqlContext): Promise<GraphqlOutcome> {
  const schema = githubSchema();
  let doc: DocumentNode;
  try {
    doc = parse(request.query);
  } catch (err) {
    const message = err instanceof GraphQLError ? err.message : String(err);
    return { operationName: request.operationName, invalid: true, result: { errors: [{ message }] } };
  }
  const operationName = request.operationName ?? operationOf(doc, undefined)?.name?.value;
  const problems = validate(schema, doc);
  if (problems.length > 0) {
    return { operationName, invalid: true, result: { errors: problems.map(githubError) } };
  }
  const result: ExecutionResult = await execute({
    schema,
    document: doc,
    rootValue,
    contextValue: context,
    variableValues: request.variables ?? {},
    operationName: request.operationName,
    fieldResolver,
  });
  const out: GraphqlOutcome['result'] = { data: result.data };
  if (result.errors && result.errors.length > 0) out.errors = result.errors.map(githubError);
  return { operationName, invalid: false, result: out };
}
