import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  token?: string;
  query: string;
  /** Each request picks one of these variable sets at random. */
  variables: Array<Record<string, unknown>>;
  /** When set, `variables.input[uniqueEmail]` gets an address no other request uses. */
  uniqueEmail?: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  total: number;
  errors: number;
  transportErrors: number;
  non2xx: number;
  graphqlErrors: number;
  /** Answered 200 without a GraphQL error: what the clients were told succeeded. */
  acknowledged: number;
}

/** Seconds of unmeasured load before each measured run. */
const WARMUP_SECONDS = 3;

/** Child process: POSTs the GraphQL query at the server and reports throughput, latency and every kind of error. */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]) as LoadOptions;
  let graphqlErrors = 0;
  let acknowledged = 0;
  let sequence = 0;
  const variablesFor = () => {
    const variables = options.variables[Math.floor(Math.random() * options.variables.length)];
    if (!options.uniqueEmail) return variables;
    const input = { ...(variables.input as object), [options.uniqueEmail]: `signer-${process.pid}-${++sequence}@example.org` };
    return { ...variables, input };
  };
  const run = (duration: number) =>
    autocannon({
      url: `${options.url}/graphql`,
      connections: options.connections,
      duration,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ query: options.query, variables: variablesFor() }),
          }),
          onResponse: (status, body) => {
            if (body.includes('"errors"')) graphqlErrors++;
            else if (status === 200) acknowledged++;
          },
        },
      ],
    });
  // A warm-up first (JIT, prepared statements, pool connections): its speed is not reported, its errors and acknowledgements are.
  const warmup = await run(WARMUP_SECONDS);
  const result = await run(options.durationSeconds);
  const transportErrors = warmup.errors + warmup.timeouts + result.errors + result.timeouts;
  const non2xx = warmup.non2xx + result.non2xx;
  const outcome: LoadResult = {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    errors: transportErrors + non2xx + graphqlErrors,
    transportErrors,
    non2xx,
    graphqlErrors,
    acknowledged,
  };
  process.send!(outcome, () => process.exit(0));
}

void main();
