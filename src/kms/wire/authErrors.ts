/**
 * Authentication error types and messages as real AWS JSON-protocol services (KMS among them)
 * return them, with HTTP 400 and a body `{"__type": <type>, "message": <message>}`.
 *
 * Sources (texts copied from responses quoted in public reports):
 *  [A] aws/aws-sdk-js#168, github.com/aws/aws-sdk-js/issues/168 (InvalidSignatureException text);
 *      smithy545/aws-apps-scripts#12 (same text, verbatim `{"__type":"InvalidSignatureException",...}`
 *      body); aws/aws-sdk-cpp#1681 (same text from KMS Decrypt); teralytics/prometheus-ecs-discovery#7
 *      ("status code: 400").
 *  [B] ArranJacques/laravel-aws-cognito-auth#25 (verbatim body
 *      `{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}`,
 *      400 Bad Request); localstack/localstack#4329 (same text for KMS);
 *      aws-azure-login/aws-azure-login#37 ("status code: 400").
 *  [C] iann0036/cloud9-sync#10 (`{"__type":"IncompleteSignatureException","message":"'...' not a valid
 *      key=value pair (missing equal-sign) in Authorization header: '...'."}`, statusCode 400);
 *      awslabs/fhir-works-on-aws-deployment#379 and aws/aws-sdk-go#289 (same form, DynamoDB and
 *      CloudFormation: a space inside the Credential value splits off the token that is quoted).
 *  [D] brendanhay/amazonka#316 (SES, IncompleteSignature, 400: "Authorization header requires
 *      'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.
 *      Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF"); aws/chalice#828 (the full four-sentence
 *      form including the X-Amz-Date/Date sentence).
 *  [E] kubernetes-sigs/aws-iam-authenticator#374, aws/aws-sdk-go#1042, boto/boto3#1752
 *      (IncompleteSignature: "Credential must have exactly 5 slash-delimited elements, e.g.
 *      keyid/date/region/service/term, got '...'", status code 400).
 *  [F] amazon-archives/aws-dynamodb-session-tomcat#42 ("Request is missing Authentication Token (Service:
 *      AmazonDynamoDBv2; Status Code: 400; Error Code: MissingAuthenticationTokenException"); the same
 *      code/text in architect/dynalite#105.
 *  [G] aws/aws-sdk-java#1097, aws/aws-sdk-ruby#508, fsouza/s3-upload-proxy#241 (InvalidSignatureException:
 *      "Credential should be scoped to a valid region, not '...'."); the IAM user guide page
 *      "Troubleshoot signed requests for AWS APIs" (docs.aws.amazon.com/IAM/latest/UserGuide/
 *      signature-v4-troubleshooting.html) for the date-scope, expiry and service-scope sentences.
 *  [H] dacut/scratchstack-aws-signature (src/canonical.rs, src/signature.rs tests), an AWS-compatible
 *      SigV4 validator that reproduces AWS's error texts: unsupported algorithm, ISO-8601 date,
 *      Host-must-be-signed, service/terminator/date scope texts and their concatenation order.
 *      Used where no captured AWS response was found; marked [H] below.
 */

export const INVALID_SIGNATURE_EXCEPTION = 'InvalidSignatureException';
/** [A] Signature mismatch (wrong secret, tampered request, wrong signing method). */
export const INVALID_SIGNATURE_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export const UNRECOGNIZED_CLIENT_EXCEPTION = 'UnrecognizedClientException';
/** [B] Unknown access key id (or invalid session token). */
export const UNRECOGNIZED_CLIENT_MESSAGE = 'The security token included in the request is invalid.';

export const INCOMPLETE_SIGNATURE_EXCEPTION = 'IncompleteSignatureException';

export const MISSING_AUTHENTICATION_TOKEN_EXCEPTION = 'MissingAuthenticationTokenException';
/** [F] No Authorization header (and no presigned query parameters) at all. */
export const MISSING_AUTHENTICATION_TOKEN_MESSAGE = 'Request is missing Authentication Token';

export type AuthErrorType =
  | typeof INVALID_SIGNATURE_EXCEPTION
  | typeof UNRECOGNIZED_CLIENT_EXCEPTION
  | typeof INCOMPLETE_SIGNATURE_EXCEPTION
  | typeof MISSING_AUTHENTICATION_TOKEN_EXCEPTION;

/** JSON body of an AWS JSON-1.1 error response. */
export function authErrorBody(type: AuthErrorType, message: string): string {
  return JSON.stringify({ __type: type, message });
}

// ---- IncompleteSignatureException messages -------------------------------------------------

/** [D] Missing-parameter sentences, in the order AWS lists them. */
export const REQUIRES_CREDENTIAL = "Authorization header requires 'Credential' parameter.";
export const REQUIRES_SIGNATURE = "Authorization header requires 'Signature' parameter.";
export const REQUIRES_SIGNED_HEADERS = "Authorization header requires 'SignedHeaders' parameter.";
export const REQUIRES_DATE =
  "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.";

/**
 * [D] e.g. "Authorization header requires 'Signature' parameter. Authorization header requires
 * 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF".
 * `header` is the Authorization header value as received (trimmed).
 */
export function missingParametersMessage(sentences: readonly string[], header: string): string {
  return `${sentences.join(' ')} Authorization=${header}`;
}

/** [C] e.g. "'FooBar' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 FooBar'." */
export function notKeyValuePairMessage(pair: string, header: string): string {
  return `'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`;
}

/** [E] */
export function credentialElementsMessage(credential: string): string {
  return `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`;
}

/** [H] e.g. "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'." */
export function unsupportedAlgorithmMessage(algorithm: string): string {
  return `Unsupported AWS 'algorithm': '${algorithm}'.`;
}

/** [H] x-amz-date (or Date) not in ISO-8601 basic format (yyyymmddThhmmssZ). */
export function dateFormatMessage(date: string): string {
  return `Date must be in ISO-8601 'basic format'. Got '${date}'. See http://en.wikipedia.org/wiki/ISO_8601`;
}

// ---- InvalidSignatureException messages other than the mismatch text ------------------------

/** [H] SignedHeaders does not include host. */
export const HOST_MUST_BE_SIGNED_MESSAGE =
  "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";

/** [G] Wrong region in the credential scope (AWS writes "region" in lowercase in responses). */
export function scopeRegionMessage(region: string): string {
  return `Credential should be scoped to a valid region, not '${region}'.`;
}

/** [G][H] Wrong service in the credential scope; quotes the service expected by the endpoint. */
export function scopeServiceMessage(expectedService: string): string {
  return `Credential should be scoped to correct service: '${expectedService}'.`;
}

/** [H] Wrong scope terminator. */
export function scopeTerminatorMessage(terminator: string): string {
  return `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`;
}

/** [G][H] Scope date differs from the request date, e.g. "... 'foobar' != '20150830', from '20150830T122100Z'." */
export function scopeDateMessage(scopeDate: string, amzDate: string): string {
  return `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`;
}

/** [G][H] Request date more than 15 minutes before the server clock; all arguments yyyymmddThhmmssZ. */
export function signatureExpiredMessage(amzDate: string, earliest: string, now: string): string {
  return `Signature expired: ${amzDate} is now earlier than ${earliest} (${now} - 15 min.)`;
}

/** [G][H] Request date more than 15 minutes after the server clock; all arguments yyyymmddThhmmssZ. */
export function signatureNotYetCurrentMessage(amzDate: string, latest: string, now: string): string {
  return `Signature not yet current: ${amzDate} is still later than ${latest} (${now} + 15 min.)`;
}
