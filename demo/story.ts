/** What the demo runs against, and what each step leaves for the next. */
export interface DemoWorld {
  auth: {
    baseUrl: string;
    adminKey: string;
    authorizationEndpoint: string;
    tokenEndpoint: string;
    introspectionEndpoint: string;
    jwksUri: string;
  };
  /** A second instance on the same store whose access tokens live `accessTokenTtlSeconds`. */
  shortLivedAuth: { tokenEndpoint: string; accessTokenTtlSeconds: number };
  resource: { baseUrl: string; clockSkewSeconds: number };
  story: Story;
}

/** Filled in as the steps run. */
export interface Story {
  client?: { clientId: string; clientSecret: string; redirectUri: string };
  user?: { id: string; email: string };
  first?: TokenPair;
  second?: TokenPair;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/** What a step saw that is not true: the step fails with this message. */
export class StepFailure extends Error {}

export function expectThat(condition: unknown, claim: string): asserts condition {
  if (!condition) throw new StepFailure(claim);
}
