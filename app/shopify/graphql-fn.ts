// The Admin GraphQL call as the app uses it (`admin.graphql` of @shopify/shopify-app-remix, or a test's fake).
// Its own file: the readers that take it and the pixel activation that uses them would otherwise import each other.
export type GraphqlFn = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;
