/**
 * How Hookline reaches a webhook's endpoint beyond the URL (issue 18, docs/endpoint-auth.md).
 * Secret members (password, token, client_secret, client_key) are sealed at rest by
 * src/secrets/webhookSecrets.ts and never shown in full by the API.
 */

export interface BasicAuth {
  type: 'basic';
  username: string;
  password: string;
}

export interface BearerAuth {
  type: 'bearer';
  token: string;
}

/** RFC 6749 §4.4: Hookline asks `token_url` for an access token and sends it as a bearer token. */
export interface OAuth2ClientCredentials {
  type: 'oauth2_client_credentials';
  token_url: string;
  client_id: string;
  client_secret: string;
  scope?: string;
  audience?: string;
  /** More form fields for the token request (e.g. `resource`). */
  extra_params?: Record<string, string>;
}

export type EndpointAuth = BasicAuth | BearerAuth | OAuth2ClientCredentials;

/** PEM text. `ca`, when given, is the only trust for this endpoint's server certificate. */
export interface EndpointTls {
  client_cert?: string;
  client_key?: string;
  ca?: string;
}

export type Verification = 'challenge';
